// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Test-only account (a contract wallet without `receive` or `fallback`) that acts through
/// `execute`: it can fund, research or contribute data, but any ETH sent to it reverts.
contract MockNoEthReceiver {
    address private immutable _OWNER;

    error MockNoEthReceiverNotOwner(address caller);

    constructor() {
        _OWNER = msg.sender;
    }

    /// @notice Calls `target` with `data` and `msg.value`, bubbling any revert.
    function execute(address target, bytes calldata data) external payable returns (bytes memory result) {
        if (msg.sender != _OWNER) revert MockNoEthReceiverNotOwner(msg.sender);
        bool ok;
        // solhint-disable-next-line avoid-low-level-calls
        (ok, result) = target.call{value: msg.value}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
    }
}
