/**
 * Which accounts have unlocked their encryption identity in this tab. The keys themselves stay in
 * the crypto worker; the page only knows the public keys.
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import type { Address } from "viem";
import type { IdentityPublic } from "../crypto/protocol.ts";

interface IdentityValue {
  unlocked(address: Address | undefined): IdentityPublic | undefined;
  markUnlocked(address: Address, keys: IdentityPublic): void;
}

const IdentityContext = createContext<IdentityValue | null>(null);

export function IdentityProvider({ children }: { children: ReactNode }) {
  const [keys, setKeys] = useState<ReadonlyMap<string, IdentityPublic>>(new Map());
  const markUnlocked = useCallback(
    (address: Address, value: IdentityPublic) => setKeys((old) => new Map(old).set(address.toLowerCase(), value)),
    [],
  );
  const value = useMemo<IdentityValue>(
    () => ({ unlocked: (address) => (address ? keys.get(address.toLowerCase()) : undefined), markUnlocked }),
    [keys, markUnlocked],
  );
  return <IdentityContext.Provider value={value}>{children}</IdentityContext.Provider>;
}

export function useIdentity(): IdentityValue {
  const value = useContext(IdentityContext);
  if (!value) throw new Error("useIdentity outside IdentityProvider");
  return value;
}
