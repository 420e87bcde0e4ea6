// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IResearchPool} from "../interfaces/IResearchPool.sol";

/// @notice Test-only account that acts through `execute` (as researcher, contributor or patient)
/// and, once armed, calls back into the pool from `receive` when paid: `refund`, `withdraw` or
/// `claimReward` of the same study. With `swallow` it records the failed re-entry's revert data
/// and accepts the payment; otherwise it bubbles the failure up, failing the payment.
contract MockReentrantReceiver {
    enum Attack {
        None,
        Refund,
        Withdraw,
        ClaimReward
    }

    IResearchPool public immutable POOL;
    address private immutable _OWNER;

    Attack public attack;
    uint256 public studyId;
    bool public swallow;
    /// @notice Revert data of the last re-entry that failed while `swallow` was set.
    bytes public lastError;
    /// @notice ETH received, and how many payments brought it.
    uint256 public received;
    uint256 public payments;

    error MockReentrantReceiverNotOwner(address caller);

    constructor(IResearchPool pool) {
        POOL = pool;
        _OWNER = msg.sender;
    }

    function arm(Attack attack_, uint256 studyId_, bool swallow_) external {
        attack = attack_;
        studyId = studyId_;
        swallow = swallow_;
    }

    /// @notice Calls `target` with `data` and `msg.value`, bubbling any revert.
    function execute(address target, bytes calldata data) external payable returns (bytes memory result) {
        if (msg.sender != _OWNER) revert MockReentrantReceiverNotOwner(msg.sender);
        bool ok;
        // solhint-disable-next-line avoid-low-level-calls
        (ok, result) = target.call{value: msg.value}(data);
        if (!ok) _bubble(result);
    }

    receive() external payable {
        received += msg.value;
        ++payments;
        Attack a = attack;
        if (a == Attack.None) return;
        bytes memory data;
        if (a == Attack.Refund) data = abi.encodeCall(IResearchPool.refund, (studyId, address(this)));
        else if (a == Attack.Withdraw) data = abi.encodeCall(IResearchPool.withdraw, (studyId, address(this)));
        else data = abi.encodeCall(IResearchPool.claimReward, (studyId, address(this)));
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory err) = address(POOL).call(data);
        if (ok) return;
        if (!swallow) _bubble(err);
        lastError = err;
    }

    function _bubble(bytes memory err) private pure {
        assembly ("memory-safe") {
            revert(add(err, 0x20), mload(err))
        }
    }
}
