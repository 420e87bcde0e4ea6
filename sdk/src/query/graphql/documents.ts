/**
 * The subgraph's queries: The Graph's derived API (collection fields with where, orderBy,
 * orderDirection, first, skip) over subgraph/schema.graphql. Validated against
 * subgraph/generated-api.graphql in test/query/graphql.test.ts.
 */

const EVENT = "id blockNumber blockTimestamp transactionHash";
const STUDY_FIELDS = `studyId researcher { id } token goal deadline reward maxContributions categories protocolCid raised refunded
  status withdrawnAmount closed acceptedContributions createdAt funders(first: 1000) { id }`;
/** A contribution's history (one row per submitted record, as the RPC backend folds it) and which were paid. */
const CONTRIBUTION_FIELDS = `study { studyId } patient { id } record { id } kind reward reason ${EVENT}`;
const PAID_FIELDS = "study { studyId } patient { id }";

const RECORD_FIELDS = `id patient { id } provider { id } hospitalId patientAuthored cid contentDigest category version
    previousVersion { id } nextVersion { id } registeredAt blockNumber logIndex transactionHash`;

export const DOCUMENTS = {
  meta: `query Meta { _meta { block { number timestamp } } }`,
  records: `query PatientRecords($patient: String!, $first: Int!, $after: Bytes!) {
  records(where: { patient: $patient, id_gt: $after }, orderBy: id, orderDirection: asc, first: $first) { ${RECORD_FIELDS} }
}`,
  recordsSent: `query RecordsSent($provider: String!, $first: Int!) {
  records(where: { provider: $provider }, orderBy: blockNumber, orderDirection: desc, first: $first) { ${RECORD_FIELDS} }
}`,
  deliveredTo: `query DeliveredTo($patient: String!, $grantee: String!) {
  accessEvents(where: { patient: $patient, grantee: $grantee, kind: KEY_DELIVERED }, orderBy: position, orderDirection: asc, first: 1000) {
    purpose record { id } copyCid ${EVENT}
  }
}`,
  roleHolders: `query RoleHolders($role: String!) {
  roleMemberships(where: { role: $role, active: true }, first: 1000) { account { id } }
}`,
  patientsNaming: `query PatientsNaming($contact: String!) {
  emergencyContacts(where: { contact: $contact }, first: 1000) { patient { id } }
}`,
  fundingHistory: `query FundingHistory($studyId: BigInt!) {
  fundings(where: { study_: { studyId: $studyId } }, orderBy: blockNumber, orderDirection: asc, first: 1000) {
    contributor { id } amount raised ${EVENT}
  }
}`,
  grantsAndPolicies: `query GrantsAndPolicies($patient: String!) {
  policies(where: { patient: $patient }, first: 1000) {
    policyId version active revocation { ${EVENT} }
    current { grantee role purposes rights validFrom validUntil categories recordId anonymizedOnly autoApprove ${EVENT} }
  }
  grants(where: { patient: $patient }, first: 1000) {
    grantee { id } purpose status rights expiresAt policyVersion { policyId: policy { policyId } } sharedBy { id }
    lastEvent { ${EVENT} }
  }
}`,
  accessLog: `query AccessLog($patient: String!, $first: Int!, $before: BigInt!) {
  accessEvents(where: { patient: $patient, position_lt: $before }, orderBy: position, orderDirection: desc, first: $first) {
    kind grantee { id } purpose policyId rights outcome denyReason expiresAt approved revokedBy { id } sharer { id }
    record { id } deliverer { id } copyCid ${EVENT}
  }
  policyVersions(where: { patient: $patient, position_lt: $before }, orderBy: position, orderDirection: desc, first: $first) {
    policy { policyId } version grantee role purposes validUntil anonymizedOnly ${EVENT}
  }
  policyRevocations(where: { patient: $patient, position_lt: $before }, orderBy: position, orderDirection: desc, first: $first) {
    policyId version ${EVENT}
  }
  emergencyEvents(where: { patient: $patient, position_lt: $before }, orderBy: position, orderDirection: desc, first: $first) {
    kind doctor { id } round justification approveBy expiresAt status closedBy { id } ${EVENT}
  }
}`,
  patientCounts: `query PatientCounts($patient: ID!) { patient(id: $patient) { accessLogCount keyDeliveryCount } }`,
  emergency: `query Emergency($patient: String!) {
  emergencyConfigs(where: { patient: $patient }, orderBy: version, orderDirection: desc, first: 1000) {
    version threshold sharesCid activatesAt proposedAt cancelled contacts(orderBy: index, first: 10) { contact { id } }
  }
  emergencyRequests(where: { patient: $patient }, orderBy: blockNumber, orderDirection: desc, first: 1000) {
    doctor { id } round config { version } justification noteCid duration approveBy status approvals rejections
    expiresAt grantedAt closedAt closedBy { id } requestedAt blockNumber logIndex
    votes(orderBy: blockNumber, first: 10) { contact { id } approved ${EVENT} }
  }
}`,
  studies: `query Studies($first: Int!, $skip: Int!) {
  studies(orderBy: studyId, orderDirection: desc, first: $first, skip: $skip) { ${STUDY_FIELDS} }
}`,
  study: `query Study($studyId: BigInt!) { studies(where: { studyId: $studyId }, first: 1) { ${STUDY_FIELDS} } }`,
  researcher: `query Researcher($researcher: String!) {
  studies(where: { researcher: $researcher }, orderBy: studyId, orderDirection: desc, first: 1000) { ${STUDY_FIELDS} }
  dataContributionEvents(where: { study_: { researcher: $researcher } }, orderBy: blockNumber, first: 1000) {
    ${CONTRIBUTION_FIELDS}
  }
  dataContributions(where: { study_: { researcher: $researcher }, status: PAID }, first: 1000) { ${PAID_FIELDS} }
}`,
  contributions: `query Contributions($patient: String!) {
  dataContributionEvents(where: { patient: $patient }, orderBy: blockNumber, first: 1000) { ${CONTRIBUTION_FIELDS} }
  dataContributions(where: { patient: $patient, status: PAID }, first: 1000) { ${PAID_FIELDS} }
}`,
  studiesByIds: `query StudiesByIds($ids: [BigInt!]!) {
  studies(where: { studyId_in: $ids }, orderBy: studyId, orderDirection: desc, first: 1000) { ${STUDY_FIELDS} }
}`,
  fundingTokens: `query FundingTokens {
  fundingTokens(where: { allowed: true }, orderBy: id, orderDirection: asc, first: 1000) { id }
}`,
  hospitalStaff: `query HospitalStaff($hospital: ID!) {
  hospital(id: $hospital) {
    hospitalId name suspended admittedAt
    staff(where: { active: true }, orderBy: addedAtBlock, first: 1000) { staff { id } addedAt addedAtBlock addedAtLogIndex }
    staffProposals(where: { pending: true }, orderBy: proposedAtBlock, first: 1000) { staff { id } proposedAt proposedAtBlock proposedAtLogIndex }
  }
}`,
} as const;
