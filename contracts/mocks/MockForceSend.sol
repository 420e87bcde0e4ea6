// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Test-only: forces its ETH into `target` with `selfdestruct`, which runs no code of the
/// recipient (no `receive`, no revert possible). Since Cancun the contract itself survives.
contract MockForceSend {
    constructor(address payable target) payable {
        // solhint-disable-next-line avoid-suicide
        selfdestruct(target);
    }
}
