// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IKeyRegistry} from "./interfaces/IKeyRegistry.sol";

/// @title KeyRegistry
/// @notice See {IKeyRegistry}.
contract KeyRegistry is IKeyRegistry {
    /// @notice Largest post-quantum key accepted; an X-Wing public key is 1,216 bytes.
    uint256 public constant MAX_PQ_KEY = 2048;

    mapping(address account => PublicKeys) private _keys;

    /// @inheritdoc IKeyRegistry
    function publish(bytes32 x25519, bytes calldata pqKey) external returns (uint32 version) {
        if (x25519 == 0) {
            revert KeyRegistryZeroKey();
        }
        if (pqKey.length > MAX_PQ_KEY) {
            revert KeyRegistryPqKeyTooLong(pqKey.length, MAX_PQ_KEY);
        }

        PublicKeys storage keys = _keys[msg.sender];
        // One rotation per transaction at most: 2^32 versions are out of reach.
        version = keys.version + 1;
        keys.x25519 = x25519;
        keys.pqKeyHash = pqKey.length == 0 ? bytes32(0) : keccak256(pqKey);
        keys.version = version;
        keys.publishedAt = uint48(block.timestamp);
        emit KeyPublished(msg.sender, version, x25519, pqKey);
    }

    /// @inheritdoc IKeyRegistry
    function keysOf(address account) external view returns (PublicKeys memory keys) {
        keys = _keys[account];
        if (keys.version == 0) {
            revert KeyRegistryNoKey(account);
        }
    }

    /// @inheritdoc IKeyRegistry
    function hasKey(address account) external view returns (bool) {
        return _keys[account].version != 0;
    }
}
