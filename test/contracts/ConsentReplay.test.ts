/**
 * Invariant: an auditor who replays the ConsentManager's events rebuilds exactly the grants the
 * contract holds. A seeded random walk of policies, requests, decisions, shares, revocations and
 * time jumps (failing calls included) runs against the real contract; then every event is folded
 * into grants and compared with `grantOf` for every (grantee, purpose) the walk touched.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { getAddress, keccak256, toHex, type Address, type Hex } from "viem";
import { GRANT_STATUS, REQUEST_OUTCOME, Rights, type PolicyTerms } from "@caduceus/sdk/chain/access";
import { Purpose, Role } from "@caduceus/sdk/chain/roles";
import { DAY, terms } from "../helpers/consent.js";
import { deployCaduceus } from "../helpers/deploy.js";
import { Category, idOf, newRecord } from "../helpers/records.js";

const connection = await network.create();
const { viem, networkHelpers } = connection;
const STEPS = 200;

interface ReplayedGrant {
  sharedBy: Address;
  expiresAt: number;
  status: number;
  rights: number;
  categories: number;
  anonymized: boolean;
  recordScoped: boolean;
  hasShared: boolean;
}

/** Mulberry32: a small seeded PRNG, so a failure reproduces from its seed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("ConsentManager event replay", () => {
  for (const seed of [2, 3, 4, 5]) {
    it(
      `rebuilds the contract's grants from its events (seed ${seed}, ${STEPS} random steps)`,
      { timeout: 300_000 },
      async () => {
        const c = await deployCaduceus(connection);
        const wallets = await viem.getWalletClients();
        await c.consortium.write.grantRole([Role.RESEARCHER, wallets[10].account.address]);
      // A locum doctor and a second researcher that no policy names: the usual recipients of shares.
      const locum = wallets[11];
      const coResearcher = wallets[12];
      await c.consortium.write.proposeStaff([locum.account.address], { account: c.hospital.account });
      await c.consortium.write.acceptStaff([c.hospital.account.address], { account: locum.account });
      await c.consortium.write.grantRole([Role.RESEARCHER, coResearcher.account.address]);
        const patient = getAddress(c.patient.account.address);
        const record = newRecord(patient, `replay-${seed}`, { category: Category.Lab });
        await c.recordRegistry.write.register([record], { account: c.hospital.account });

        const actors = [c.doctor, c.otherDoctor, wallets[10], c.stranger];
      const everyone = [...actors, locum, coResearcher];
        const purposes = [Purpose.TREAT, Purpose.CAREMGT, Purpose.HRESCH];
        const policyIds = [0, 1, 2].map((i) => keccak256(toHex(`replay-policy-${i}`)));
        const current = new Map<Hex, PolicyTerms>();
        const random = prng(seed);
        const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
        const now = async () => networkHelpers.time.latest();

        // Replay: fold every event, in chain order, into grants.
        const policies = new Map<Hex, PolicyTerms>();
        const grants = new Map<string, ReplayedGrant>();
        const key = (grantee: Address, purpose: number) => `${getAddress(grantee)}:${purpose}`;
        const active = GRANT_STATUS.indexOf("Active");
        const seen = new Map<string, number>();
        let nextBlock = 0n;
        /** Folds the events of the blocks mined since the last call into `grants`. */
        const replayNewEvents = async () => {
          const logs = await c.publicClient.getContractEvents({
            address: c.consentManager.address,
            abi: c.consentManager.abi,
            fromBlock: nextBlock,
          });
          nextBlock = (await c.publicClient.getBlockNumber()) + 1n;
          for (const log of logs) {
            seen.set(log.eventName, (seen.get(log.eventName) ?? 0) + 1);
            const args = log.args as Record<string, never>;
            switch (log.eventName) {
              case "PolicySet":
                policies.set(args.policyId, args.terms);
                break;
              case "AccessRequested": {
                if (args.outcome === REQUEST_OUTCOME.indexOf("Denied")) break;
                const policy = policies.get(args.policyId)!;
                grants.set(key(args.requester, args.purpose), {
                  sharedBy: "0x0000000000000000000000000000000000000000",
                  expiresAt: args.expiresAt,
                  status:
                    args.outcome === REQUEST_OUTCOME.indexOf("Granted") ? active : GRANT_STATUS.indexOf("Pending"),
                  rights: args.rights,
                  categories: policy.categories,
                  anonymized: policy.anonymizedOnly,
                  recordScoped: policy.recordId !== `0x${"00".repeat(32)}`,
                  hasShared: false,
                });
                break;
              }
              case "AccessDecided":
                grants.get(key(args.requester, args.purpose))!.status = args.approved
                  ? active
                  : GRANT_STATUS.indexOf("Denied");
                break;
              case "AccessRevoked":
                grants.get(key(args.grantee, args.purpose))!.status = GRANT_STATUS.indexOf("Revoked");
                break;
              case "AccessShared": {
                const parent = grants.get(key(args.sharer, args.purpose))!;
                grants.set(key(args.recipient, args.purpose), {
                  ...parent,
                  sharedBy: args.sharer,
                  expiresAt: args.expiresAt,
                  status: active,
                  rights: Rights.READ,
                  hasShared: false,
                });
                parent.hasShared = true;
                break;
              }
            }
          }
        };
        /** Compares every grant the walk can touch with the replayed one. */
        const compareAll = async (step: number) => {
          for (const actor of everyone) {
            for (const purpose of purposes) {
              const onChain = await c.consentManager.read.grantOf([patient, actor.account.address, purpose]);
              const replayed = grants.get(key(actor.account.address, purpose));
              if (!replayed) {
                assert.equal(
                  onChain.status,
                  GRANT_STATUS.indexOf("None"),
                  `step ${step}: a grant without events for ${key(actor.account.address, purpose)}`,
                );
                continue;
              }
              assert.deepEqual(onChain, replayed, `step ${step}: grant of ${key(actor.account.address, purpose)}`);
            }
          }
        };

        /** Mostly a (grantee, purpose) whose replayed grant has `status`; otherwise the fallback. */
      const target = (
        status: (typeof GRANT_STATUS)[number],
        grantee: Address,
        purpose: number,
        also: (g: ReplayedGrant) => boolean = () => true,
      ): [Address, number] => {
        const matching = [...grants].filter(([, g]) => g.status === GRANT_STATUS.indexOf(status) && also(g)).map(([k]) => k);
        if (matching.length === 0 || random() < 0.2) return [grantee, purpose];
        const [address, p] = pick(matching).split(":");
        return [address as Address, Number(p)];
      };
      let succeeded = 0;
        for (let step = 0; step < STEPS; step++) {
          const actor = pick(actors);
          const purpose = pick(purposes);
          const op = pick([
            "policy",
            "policy",
            "request",
            "request",
            "request",
            "approve",
            "approve",
            "deny",
            "revoke",
            "share",
            "share",
            "share",
            "time",
            "revokePolicy",
          ] as const);
          try {
            if (op === "policy") {
              const id = pick(policyIds);
              const byRole = random() < 0.3;
              const policy = terms(await now(), {
                ...(byRole ? { role: pick([Role.DOCTOR, Role.RESEARCHER]) } : { grantee: actor.account.address }),
                purposeNames: pick([
                  ["TREAT"],
                  ["TREAT", "CAREMGT"],
                  ["HRESCH"],
                  ["TREAT", "HRESCH", "CAREMGT"],
                ] as const).slice(),
                rights: pick([Rights.READ, Rights.READ | Rights.SHARE]),
                validUntil: (await now()) + Math.floor(1 + random() * 5) * DAY,
                autoApprove: random() < 0.6,
                anonymizedOnly: random() < 0.3,
                categories: random() < 0.2 ? 0 : pick([0x7f, 1 << Category.Lab, 1 << Category.Visit]),
              });
              if (policy.categories === 0) policy.recordId = idOf(c.hospital.account.address, record);
              await c.consentManager.write.setPolicy([id, policy], { account: c.patient.account });
              current.set(id, policy);
            } else if (op === "request") {
              const id = current.size > 0 && random() < 0.9 ? pick([...current.keys()]) : pick(policyIds);
              const policy = current.get(id) ?? terms(await now());
              // Mostly the named grantee asking for a purpose of the policy, sometimes anyone for anything.
              const named = actors.find((a) => getAddress(a.account.address) === policy.grantee);
              const requester = named && random() < 0.7 ? named : actor;
              const inPolicy = purposes.filter((p) => (policy.purposes >> BigInt(p)) & 1n);
              const asked = inPolicy.length > 0 && random() < 0.7 ? pick(inPolicy) : purpose;
              await c.consentManager.write.requestAccess(
                [patient, id, policy, asked, pick([Rights.READ, Rights.READ | Rights.SHARE]), pick([0, DAY, 3 * DAY])],
                {
                  account: requester.account,
                },
              );
            } else if (op === "approve" || op === "deny") {
              const [grantee, p] = target("Pending", actor.account.address, purpose);
              await c.consentManager.write[op]([grantee, p], { account: c.patient.account });
            } else if (op === "revoke") {
              const [grantee, p] = target("Active", actor.account.address, purpose);
              const sharer = grants.get(key(grantee, p))?.sharedBy;
              const bySharer = actors.find((a) => getAddress(a.account.address) === sharer);
              const by = bySharer && random() < 0.3 ? bySharer : pick([c.patient, c.patient, ...actors]);
              await c.consentManager.write.revoke([patient, grantee, p], { account: by.account });
            } else if (op === "share") {
              const [sharer, p] = target("Active", actor.account.address, purpose, (g) => (g.rights & Rights.SHARE) !== 0);
              const from = actors.find((a) => getAddress(a.account.address) === getAddress(sharer)) ?? actor;
              // Mostly to a colleague who may declare the purpose, sometimes anyone.
              const colleague = p === Purpose.HRESCH ? coResearcher : locum;
              const recipient = random() < 0.7 ? colleague : pick(everyone);
              await c.consentManager.write.share([patient, recipient.account.address, p, pick([0, (await now()) + DAY])], {
                account: from.account,
              });
            } else if (op === "revokePolicy") {
              const id = pick(policyIds);
              await c.consentManager.write.revokePolicy([id], { account: c.patient.account });
              current.delete(id);
            } else {
              await networkHelpers.time.increase(Math.floor(random() * DAY));
            }
            succeeded++;
          } catch {
            // Reverted calls change nothing and log nothing: the replay must not see them either.
          }
          await replayNewEvents();
          await compareAll(step);
        }

        assert.ok(succeeded >= STEPS / 3, `too few calls succeeded (${succeeded} of ${STEPS})`);
        for (const event of ["PolicySet", "AccessRequested", "AccessDecided", "AccessRevoked", "AccessShared"]) {
          assert.ok((seen.get(event) ?? 0) > 0, `the walk produced no ${event}: ${JSON.stringify([...seen])}`);
        }
      },
    );
  }
});
