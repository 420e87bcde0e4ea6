// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

/// @title Bounded pages over sets and counters
/// @notice Every listing view returns at most `MAX_PAGE` items, so no view is unbounded.
library Paging {
    using EnumerableSet for EnumerableSet.AddressSet;

    uint256 internal constant MAX_PAGE = 100;

    /// @dev `[start, end)` of the page; an offset past the end gives an empty page.
    function bounds(uint256 total, uint256 offset, uint256 limit) internal pure returns (uint256 start, uint256 end) {
        start = offset < total ? offset : total;
        // `limit <= MAX_PAGE` is checked by callers, so `start + limit` cannot overflow.
        end = start + limit < total ? start + limit : total;
    }

    function page(
        EnumerableSet.AddressSet storage set,
        uint256 offset,
        uint256 limit
    ) internal view returns (address[] memory items) {
        (uint256 start, uint256 end) = bounds(set.length(), offset, limit);
        items = new address[](end - start);
        for (uint256 i = start; i < end; ++i) {
            items[i - start] = set.at(i);
        }
    }

    function isValidLimit(uint256 limit) internal pure returns (bool) {
        return limit != 0 && limit <= MAX_PAGE;
    }
}
