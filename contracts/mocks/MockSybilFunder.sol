// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IResearchPool} from "../interfaces/IResearchPool.sol";

/// @notice Test-only sybil: contributes everything it is sent to a study when deployed.
contract MockSybilFunder {
    constructor(IResearchPool pool, uint256 studyId) payable {
        pool.contribute{value: msg.value}(studyId, msg.value);
    }
}
