/**
 * 客户端库错误代码的中文说明。未列出的代码显示库的英文原句。
 * Chinese sentences for the client library's error codes; codes not listed show the English sentence.
 */
export const ZH_ERRORS: Readonly<Record<string, string>> = {
  USER_REJECTED: "您在钱包中拒绝了请求，没有发送任何内容。",
  WRONG_NETWORK: "您的钱包连接在其他网络上。请切换到此部署所在的网络后重试。",
  CHAIN_UNAVAILABLE: "区块链节点暂时无法完成请求，请检查网络后重试。",
  STORAGE_UNAVAILABLE: "无法连接内容存储服务，请确认它正在运行后重试。",
  STORAGE_REJECTED: "内容存储服务拒绝了上传。",
  CONTENT_NOT_FOUND: "内容存储中找不到这份密文：它从未被存储，或已被删除。",
  CONTENT_MISMATCH: "内容存储返回的数据未通过校验（被篡改或已损坏），未使用其中任何内容。",
  CONTENT_DOES_NOT_MATCH_CHAIN: "存储的密文与链上登记的摘要不符：它已被修改或替换。请勿信任，并报告给审计员。",
  KEY_NOT_PUBLISHED: "对方尚未公开加密密钥，因此无法为其加密。请对方先打开一次 Caduceus。",
  KEY_MISMATCH: "链上读取的抗量子公钥与其登记的哈希不符。",
  NOT_A_RECIPIENT: "您没有这条记录的密钥信封：只有患者本人或获其授权者才能打开。",
  KEY_NOT_DELIVERED: "访问已获准，但记录密钥尚未交付：请患者交付密钥。",
  GRANT_NOT_IN_FORCE: "没有生效的授权：无法据此交付或读取。",
  IDENTITY_INVALID_SIGNATURE: "钱包签名无法生成加密身份（签名账户不符或格式不对）。",
  INVALID_POLICY: "策略内容不完整或有误，请检查对象、目的和有效期。",
  NO_EMERGENCY_CONTACTS: "该患者没有生效的紧急联系人。",
  NOT_AN_EMERGENCY_CONTACT: "您不是此请求所对应配置中的紧急联系人。",
  EMERGENCY_REQUEST_NOT_OPEN: "该紧急请求已不再开放，无需处理。",
  EMERGENCY_NOT_ENOUGH_SHARES: "可用的密钥份额不足，无法重建紧急密钥。",
  FHIR_NOT_JSON: "文件不是 JSON，无法作为 FHIR 资源包读取。",
  FHIR_NOT_A_BUNDLE: "文件不是 FHIR 资源包（Bundle）。",
  FHIR_INVALID_BUNDLE: "FHIR 资源包无效。",
  RECORD_HEADER_TAMPERED: "记录头未通过校验：密钥不对，或记录已被篡改。",
  RECORD_TRUNCATED: "记录不完整（被截断），未显示任何内容。",
  TX_REVERTED: "交易已上链，但执行失败。",
  AMENDMENT_NOT_ONE_RECORD: "更正只能替换一条记录，但该文件包含多条：请选择只含更正后记录的文件。",
};

/** Chinese for a coded error; a contract revert keeps its error name. */
export function zhError(code: string, english: string): string {
  if (code.startsWith("REVERT_")) return `合约拒绝了此操作（${code.slice("REVERT_".length)}）。${english}`;
  return ZH_ERRORS[code] ?? english;
}
