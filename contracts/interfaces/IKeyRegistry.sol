// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Registry of encryption public keys
/// @notice Any account publishes the public keys others use to wrap record keys to it: an X25519
/// key (32 bytes) and, optionally, a post-quantum hybrid key (X-Wing: ML-KEM-768 + X25519, about
/// 1.2 KB). Publishing again rotates the keys and bumps the version. The hybrid key itself travels
/// only in the event; storage keeps its keccak256 so clients can check what they read from logs.
interface IKeyRegistry {
    /// @notice The stored key material of an account. `x25519` fills slot one; the rest slot two and three.
    struct PublicKeys {
        bytes32 x25519;
        bytes32 pqKeyHash;
        uint32 version;
        uint48 publishedAt;
    }

    /// @notice The X25519 key is zero.
    error KeyRegistryZeroKey();
    /// @notice The post-quantum key is `length` bytes long; at most `max` are accepted.
    error KeyRegistryPqKeyTooLong(uint256 length, uint256 max);
    /// @notice `account` has never published a key.
    error KeyRegistryNoKey(address account);

    /// @notice `account` published `version` of its keys. `pqKey` is empty when it has none.
    event KeyPublished(address indexed account, uint32 indexed version, bytes32 x25519, bytes pqKey);

    /// @notice Publishes (or rotates) the caller's encryption keys.
    /// @param x25519 The X25519 public key.
    /// @param pqKey The post-quantum hybrid public key, or empty.
    /// @return version The new version: 1 for the first publication.
    function publish(bytes32 x25519, bytes calldata pqKey) external returns (uint32 version);

    /// @notice The current keys of `account`; reverts when it has none.
    function keysOf(address account) external view returns (PublicKeys memory);

    /// @notice Whether `account` has published a key.
    function hasKey(address account) external view returns (bool);
}
