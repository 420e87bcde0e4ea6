// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IResearchPool} from "../interfaces/IResearchPool.sol";
import {StudyParams} from "../types/Research.sol";
import {MockSybilFunder} from "./MockSybilFunder.sol";

/// @notice Test-only researcher contract that plays the all-or-nothing bypass: in one transaction it
/// tops up a study's shortfall with borrowed ETH (itself, or through a fresh sybil contract), then
/// withdraws and closes, and must end with at least what it borrowed (a flash loan is repaid in the
/// same transaction).
contract MockFlashTopUp {
    IResearchPool public immutable POOL;

    error MockFlashTopUpLoanNotRepaid(uint256 borrowed, uint256 balance);

    constructor(IResearchPool pool) {
        POOL = pool;
    }

    function createStudy(StudyParams calldata params) external returns (uint256) {
        return POOL.createStudy(params);
    }

    /// @notice `msg.value` stands for the loan.
    function attack(uint256 studyId, bool viaSybil) external payable {
        if (viaSybil) new MockSybilFunder{value: msg.value}(POOL, studyId);
        else POOL.contribute{value: msg.value}(studyId, msg.value);
        POOL.withdraw(studyId, address(this));
        POOL.closeStudy(studyId, address(this));
        if (address(this).balance < msg.value) revert MockFlashTopUpLoanNotRepaid(msg.value, address(this).balance);
        payable(msg.sender).transfer(address(this).balance);
    }

    receive() external payable {}
}
