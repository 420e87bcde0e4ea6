/** English, the reference dictionary: every key must also exist in zh.ts (the type check enforces it). */
export const en = {
  "app.loading": "Loading…",
  "app.skip": "Skip to content",
  "app.noDeployment": "Caduceus cannot find its deployment",
  "app.footer": "Patient-owned medical records · chain {chain} · only ciphertext leaves your browser",
  "nav.label": "Main",
  "nav.records": "My records",
  "nav.access": "Sharing and access log",
  "nav.hospital": "Hospital upload",
  "lang.label": "Language",

  "connect.title": "Connect your wallet",
  "connect.intro":
    "Caduceus uses your Ethereum wallet as your login. Nothing is sent until you approve it in the wallet.",
  "connect.with": "Connect {name}",
  "connect.browserWallet": "browser wallet",
  "connect.noWallet": "No wallet was found in this browser. Install MetaMask (or another Ethereum wallet) and reload.",
  "connect.pending": "Waiting for the wallet…",
  "connect.disconnect": "Disconnect",

  "network.title": "Wrong network",
  "network.body":
    "Your wallet is on chain {actual}, but this Caduceus deployment runs on chain {expected}. Switch networks to continue.",
  "network.switch": "Switch to chain {expected}",
  "network.switching": "Confirm the switch in your wallet…",

  "tx.checking": "Checking the transaction…",
  "tx.signing": "Confirm in your wallet…",
  "tx.pending": "Sent ({hash}); waiting for confirmation…",
  "tx.confirmed": "Confirmed.",
  "tx.confirmedHash": "Confirmed ({hash}).",
  "tx.failed": "Failed:",

  "identity.checking": "Checking your encryption key…",
  "identity.newTitle": "Set up your encryption key",
  "identity.newBody":
    "Your records are encrypted so that only you can read them. Your wallet will ask you to sign one message: the signature creates your personal encryption key, and a transaction publishes its public half so hospitals can encrypt records for you. It costs a little gas and happens once.",
  "identity.unlockTitle": "Unlock your records",
  "identity.unlockBody":
    "Sign the same message as when you set up Caduceus to unlock your encryption key in this tab. Signing costs nothing and sends no transaction.",
  "identity.safety":
    "The key never leaves this browser tab and is forgotten when you close it. Sign this message only on the Caduceus app.",
  "identity.newButton": "Create my encryption key",
  "identity.unlockButton": "Unlock with my wallet",
  "identity.signing": "Waiting for your signature in the wallet…",
  "identity.deriving": "Creating your key…",
  "identity.mismatch":
    "This signature gives a different key than the one published for your account (a key from another version or device?). Your records cannot be opened with it.",
  "identity.publishLabel": "Publishing your public key",

  "patient.title": "My records",
  "records.loading": "Reading your records from the chain…",
  "records.none": "No records yet. When a hospital registers a record for you, it appears here.",
  "records.title": "Your records ({count})",
  "records.decrypting": "Decrypting in your browser: {done} of {total}",
  "records.opening": "Fetching and decrypting…",
  "records.locked": "Locked: unlock your encryption key above to read this record.",
  "records.record": "Record",
  "records.unlinked": "Other information",
  "records.reason": "reason: {reason}",
  "records.version": "version {version}",
  "records.born": "born {date}",
  "records.since": "since {date}",
  "records.download": "Download the original",
  "records.binary": "A file of type {type}: download it to open.",
  "records.nothingClinical": "No clinical entries in this record.",
  "records.hidden": "Plus {count} administrative entries (billing, providers) in the original.",

  "kind.condition": "Conditions",
  "kind.observation": "Observations",
  "kind.procedure": "Procedures",
  "kind.report": "Reports",
  "kind.immunization": "Immunizations",
  "kind.medication": "Medications",
  "kind.allergy": "Allergies",
  "kind.carePlan": "Care plans",

  "category.Visit": "Visit",
  "category.Lab": "Lab",
  "category.Imaging": "Imaging",
  "category.Medication": "Medication",
  "category.Immunization": "Immunization",
  "category.Document": "Document",
  "category.Other": "Other",

  "hospital.checking": "Checking your hospital's standing…",
  "hospital.title": "Upload records",
  "hospital.notHospital":
    "This account is not an admitted, active hospital of the consortium, so the registry will refuse its records. Connect the hospital's account.",
  "hospital.uploadTitle": "Upload a FHIR bundle for a patient",
  "hospital.uploadIntro":
    "The bundle is split into one record per encounter, encrypted in this browser for the patient, stored, then registered on-chain in one transaction. Only ciphertext leaves the browser.",
  "hospital.patient": "Patient's account",
  "hospital.patientHint": "The patient's Ethereum address (they must have set up their encryption key).",
  "hospital.patientInvalid": "This is not an Ethereum address (0x followed by 40 hexadecimal digits).",
  "hospital.file": "FHIR bundle (JSON)",
  "hospital.dropHint": "Choose a file or drop it here.",
  "hospital.fileChosen": "{name} ({size} KB)",
  "hospital.upload": "Encrypt, upload and register",
  "hospital.progressTitle": "Progress",
  "hospital.stepEncrypt": "Encrypted",
  "hospital.stepUpload": "Stored",
  "hospital.stepRegister": "Registered on-chain",
  "hospital.splitting": "Reading the bundle…",
  "hospital.working": "Encrypting and storing record {index} of {total}…",
  "hospital.done": "{count} records registered. The patient can read them now.",
  "hospital.retry": "Retry the registration",

  "access.title": "Sharing and access log",
} as const;

export type MessageKey = keyof typeof en;

const CATEGORIES = ["Visit", "Lab", "Imaging", "Medication", "Immunization", "Document", "Other"];

/** The dictionary key of a record category name ("Lab"); unknown names read as "Other". */
export function categoryKey(category: string): MessageKey {
  return `category.${CATEGORIES.includes(category) ? category : "Other"}` as MessageKey;
}
