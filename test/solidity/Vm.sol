// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice The few Foundry cheatcodes these tests use, declared by hand: forge-std cannot be
/// installed offline. Hardhat 3's Solidity test runner serves them at the standard address.
interface Vm {
    function prank(address sender) external;
    function assume(bool condition) external pure;
    function expectRevert(bytes calldata revertData) external;
    function warp(uint256 timestamp) external;
    function deal(address account, uint256 newBalance) external;
}

abstract contract CheatCodes {
    Vm internal constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
}
