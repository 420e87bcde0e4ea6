/**
 * Hospital upload: a FHIR bundle for one patient is split into records (one per encounter),
 * encrypted and stored in the crypto worker, then registered on-chain in one batch transaction.
 * The prepared records hold no secret, so a failed registration is retried without re-uploading.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type DragEvent, type FormEvent } from "react";
import { getAddress, isAddress, type Address } from "viem";
import { consortiumAbi } from "@caduceus/sdk/chain/abis";
import { registerPrepared, type PreparedRecord } from "@caduceus/sdk/records/upload";
import { useDeployment } from "../../chain/public-client.ts";
import { cryptoCall } from "../../crypto/client.ts";
import type { PrepareProgress } from "../../crypto/protocol.ts";
import { errorMessage } from "../../errors.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { TxStatus } from "../../tx/TxStatus.tsx";
import { useWriteFlow } from "../../tx/useWriteFlow.ts";
import { RecordsSent } from "./RecordsSent.tsx";
import { Staff } from "./Staff.tsx";

interface Progress {
  total: number;
  encrypted: number;
  uploaded: number;
  /** Ciphertext bytes of the record being encrypted. */
  bytes: number;
}

type Phase =
  | { status: "idle" }
  | { status: "preparing"; progress: Progress }
  | { status: "prepared"; prepared: PreparedRecord[] }
  | { status: "failed"; message: string };

function useIsHospital(address: Address) {
  const { deployment, publicClient } = useDeployment();
  return useQuery({
    queryKey: ["isActiveHospital", deployment.chainId, address],
    queryFn: () =>
      publicClient.readContract({
        address: deployment.contracts.consortium.address,
        abi: consortiumAbi,
        functionName: "isActiveHospital",
        args: [address],
      }),
  });
}

function Bar({ label, value, max, testId }: { label: string; value: number; max: number; testId: string }) {
  return (
    <div className="bar">
      <label>
        <span>
          {label} <span data-testid={testId}>{value}/{max}</span>
        </span>
        <progress value={value} max={Math.max(max, 1)} />
      </label>
    </div>
  );
}

export default function HospitalPage({ address }: { address: Address }) {
  const { t } = useI18n();
  const ids = { patient: useId(), file: useId() };
  const queryClient = useQueryClient();
  const isHospital = useIsHospital(address);
  const register = useWriteFlow();
  const [patient, setPatient] = useState("");
  const [files, setFiles] = useState<File[]>([]);
  const [phase, setPhase] = useState<Phase>({ status: "idle" });
  const [registered, setRegistered] = useState<number | null>(null);
  const [dragging, setDragging] = useState(false);

  const patientValid = isAddress(patient);
  const working = phase.status === "preparing" || register.busy;

  async function registerAll(prepared: PreparedRecord[]) {
    const result = await register.run((chain) => registerPrepared(chain, prepared));
    if (result.ok) {
      setRegistered(result.value.length);
      await queryClient.invalidateQueries({ queryKey: ["records"] });
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (files.length === 0 || !patientValid) return;
    setRegistered(null);
    register.reset();
    const progress: Progress = { total: 0, encrypted: 0, uploaded: 0, bytes: 0 };
    setPhase({ status: "preparing", progress });
    const onProgress = (p: PrepareProgress) => {
      if (p.stage === "split") progress.total = p.total;
      if (p.stage === "encrypt") progress.bytes = p.bytes;
      if (p.stage === "upload") progress.encrypted = p.index + 1;
      if (p.stage === "stored") progress.uploaded = p.index + 1;
      setPhase({ status: "preparing", progress: { ...progress } });
    };
    try {
      // Files are passed by reference; the worker reads them as it encrypts.
      const prepared = await cryptoCall({ op: "prepare", writer: address, patient: getAddress(patient), files }, onProgress);
      setPhase({ status: "prepared", prepared });
      await registerAll(prepared);
    } catch (error) {
      setPhase({ status: "failed", message: errorMessage(error) });
    }
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    if (event.dataTransfer.files.length > 0) setFiles([...event.dataTransfer.files]);
  }

  if (isHospital.isPending) return <p role="status">{t("hospital.checking")}</p>;
  if (isHospital.isError) return <p role="alert">{errorMessage(isHospital.error)}</p>;

  const progress =
    phase.status === "preparing"
      ? phase.progress
      : phase.status === "prepared"
        ? { total: phase.prepared.length, encrypted: phase.prepared.length, uploaded: phase.prepared.length, bytes: 0 }
        : undefined;

  return (
    <div className="page">
      <h1>{t("hospital.title")}</h1>
      {!isHospital.data && (
        <p className="card warning" role="alert" data-testid="not-hospital">
          {t("hospital.notHospital")}
        </p>
      )}
      <form className="card" onSubmit={submit} aria-labelledby="upload-title">
        <h2 id="upload-title">{t("hospital.uploadTitle")}</h2>
        <p>{t("hospital.uploadIntro")}</p>
        <div className="field">
          <label htmlFor={ids.patient}>{t("hospital.patient")}</label>
          <input
            id={ids.patient}
            name="patient"
            value={patient}
            onChange={(e) => setPatient(e.target.value.trim())}
            placeholder="0x…"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={patient !== "" && !patientValid}
            aria-describedby={`${ids.patient}-hint`}
          />
          <small id={`${ids.patient}-hint`}>
            {patient !== "" && !patientValid ? t("hospital.patientInvalid") : t("hospital.patientHint")}
          </small>
        </div>
        <div
          className={`field dropzone${dragging ? " dragging" : ""}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <label htmlFor={ids.file}>{t("hospital.file")}</label>
          <input
            id={ids.file}
            name="bundle"
            type="file"
            multiple
            onChange={(e) => setFiles([...(e.target.files ?? [])])}
          />
          <small>
            {files.length > 0
              ? files.map((f) => t("hospital.fileChosen", { name: f.name, size: Math.ceil(f.size / 1024) })).join(", ")
              : t("hospital.dropHint")}
          </small>
        </div>
        <button type="submit" className="primary" disabled={files.length === 0 || !patientValid || working || !isHospital.data}>
          {t("hospital.upload")}
        </button>
      </form>

      {(progress || phase.status === "failed" || register.state.status !== "idle") && (
        <section className="card" aria-labelledby="progress-title" data-testid="upload-progress">
          <h2 id="progress-title">{t("hospital.progressTitle")}</h2>
          {progress && (
            <>
              <Bar label={t("hospital.stepEncrypt")} value={progress.encrypted} max={progress.total} testId="encrypted" />
              <Bar label={t("hospital.stepUpload")} value={progress.uploaded} max={progress.total} testId="uploaded" />
              <Bar
                label={t("hospital.stepRegister")}
                value={registered ?? 0}
                max={progress.total}
                testId="registered"
              />
            </>
          )}
          {phase.status === "preparing" && (
            <p role="status">
              <span className="spinner" aria-hidden="true" />{" "}
              {phase.progress.total === 0
                ? t("hospital.splitting")
                : t("hospital.working", {
                    index: Math.min(phase.progress.uploaded + 1, phase.progress.total),
                    total: phase.progress.total,
                  })}
            </p>
          )}
          {phase.status === "failed" && (
            <p role="alert" data-testid="upload-error">
              {phase.message}
            </p>
          )}
          <TxStatus state={register.state} label={t("hospital.stepRegister")} />
          {registered !== null && (
            <p role="status" data-testid="upload-done">
              {t("hospital.done", { count: registered })}
            </p>
          )}
          {phase.status === "prepared" && register.state.status === "failed" && (
            <button type="button" onClick={() => registerAll(phase.prepared)}>
              {t("hospital.retry")}
            </button>
          )}
        </section>
      )}
      {isHospital.data && (
        <>
          <RecordsSent hospital={address} />
          <Staff hospital={address} />
        </>
      )}
    </div>
  );
}
