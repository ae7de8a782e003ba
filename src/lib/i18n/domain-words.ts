// The words people read for every identifier of the domain, in Chinese and English. One
// dictionary for the verify page, the console and the mini-program, so that a consumer, a
// cooperative and a bureau see the same word for the same thing. Pure data with type-only
// imports: the browser bundles pull in no database code.
import type {
  alertSeverities,
  alertStatuses,
  alertSubjects,
  authorizationStatuses,
  batchStatuses,
  giCategories,
  giProductStatuses,
  labelStatuses,
  locationSources,
  organizationKinds,
  organizationStatuses,
  protectionTypes,
  Role,
  reportStatuses,
  siteKinds,
  traceEventTypes,
  verdicts,
} from "../../db/schema";
import type { RuleId } from "../risk/types";

export type Language = "zh" | "en";
export type Words = { zh: string; en: string };

type Of<T extends readonly string[]> = Record<T[number], Words>;

const w = (zh: string, en: string): Words => ({ zh, en });

const category = {
  seafood: w("海产品", "Seafood"),
  aquatic: w("水产品", "Aquatic product"),
  produce: w("蔬菜", "Vegetables"),
  fruit: w("水果", "Fruit"),
  grain: w("粮食", "Grain"),
  tea: w("茶叶", "Tea"),
  livestock: w("畜禽产品", "Livestock product"),
  processed_food: w("加工食品", "Processed food"),
  beverage: w("饮品", "Beverage"),
  herbal: w("中药材", "Herbal medicine"),
  handicraft: w("手工艺品", "Handicraft"),
  other: w("其他", "Other"),
} satisfies Of<typeof giCategories>;

const protectionType = {
  gi_product: w("地理标志保护产品", "Protected geographical indication product"),
  certification_mark: w("地理标志证明商标", "GI certification mark"),
  collective_mark: w("地理标志集体商标", "GI collective mark"),
  agri_product_gi: w("农产品地理标志", "Agricultural product GI"),
} satisfies Of<typeof protectionTypes>;

const giProductStatus = {
  active: w("保护中", "Protected"),
  suspended: w("已暂停", "Suspended"),
  revoked: w("已撤销", "Revoked"),
} satisfies Of<typeof giProductStatuses>;

const organizationKind = {
  cooperative: w("农民专业合作社", "Farmers' cooperative"),
  enterprise: w("企业", "Enterprise"),
  individual_household: w("个体户", "Individual household"),
  association: w("协会", "Association"),
} satisfies Of<typeof organizationKinds>;

const organizationStatus = {
  active: w("正常", "Active"),
  suspended: w("已暂停", "Suspended"),
} satisfies Of<typeof organizationStatuses>;

const siteKind = {
  farm: w("种养殖场", "Farm"),
  fishing_ground: w("渔场", "Fishing ground"),
  base: w("生产基地", "Production base"),
  processing: w("加工厂", "Processing plant"),
  port: w("港口", "Port"),
  warehouse: w("仓库", "Warehouse"),
} satisfies Of<typeof siteKinds>;

const role = {
  admin: w("登记管理员", "Registry administrator"),
  producer: w("生产者", "Producer"),
  regulator: w("市场监管人员", "Regulator"),
  consumer: w("消费者", "Consumer"),
  partner: w("合作伙伴（物流、零售等）", "Partner (carrier, retailer)"),
} satisfies Record<Role, Words>;

// "expired" is derived from valid_until when an authorization is read, "pending" from valid_from.
const authorizationStatus = {
  pending: w("未生效", "Not yet valid"),
  active: w("有效", "Active"),
  suspended: w("已暂停", "Suspended"),
  revoked: w("已撤销", "Revoked"),
  expired: w("已过期", "Expired"),
} satisfies Record<(typeof authorizationStatuses)[number] | "expired" | "pending", Words>;

const batchStatus = {
  draft: w("草稿", "Draft"),
  released: w("已放行", "Released"),
  recalled: w("已召回", "Recalled"),
} satisfies Of<typeof batchStatuses>;

const labelStatus = {
  active: w("有效", "Active"),
  voided: w("已作废", "Voided"),
} satisfies Of<typeof labelStatuses>;

/** Our trace event types, named as a consumer reads them. */
const traceStep = {
  harvest: w("采收", "Harvest"),
  catch: w("捕捞", "Catch"),
  landing: w("靠港卸货", "Landing"),
  processing: w("加工", "Processing"),
  inspection: w("检验", "Inspection"),
  packing: w("包装", "Packing"),
  shipping: w("发货", "Shipping"),
  receiving: w("收货", "Receiving"),
  retail: w("零售", "Retail"),
  other: w("其他环节", "Other step"),
} satisfies Of<typeof traceEventTypes>;

/** GS1 CBV 2.0 business steps (https://ref.gs1.org/cbv/BizStep-…), for events partners capture. */
const cbvBusinessStep: Record<string, Words> = {
  accepting: w("验收", "Accepting"),
  arriving: w("到达", "Arriving"),
  assembling: w("组装", "Assembling"),
  collecting: w("收集", "Collecting"),
  commissioning: w("赋码", "Commissioning"),
  consigning: w("托运", "Consigning"),
  creating_class_instance: w("生产加工", "Creating class instance"),
  cycle_counting: w("循环盘点", "Cycle counting"),
  decommissioning: w("注销", "Decommissioning"),
  departing: w("离开", "Departing"),
  destroying: w("销毁", "Destroying"),
  disassembling: w("拆解", "Disassembling"),
  dispensing: w("分发", "Dispensing"),
  encoding: w("编码", "Encoding"),
  entering_exiting: w("进出", "Entering or exiting"),
  holding: w("暂扣", "Holding"),
  inspecting: w("检验", "Inspecting"),
  installing: w("安装", "Installing"),
  killing: w("屠宰", "Killing"),
  loading: w("装载", "Loading"),
  other: w("其他", "Other"),
  packing: w("包装", "Packing"),
  picking: w("拣货", "Picking"),
  receiving: w("收货", "Receiving"),
  removing: w("移除", "Removing"),
  repackaging: w("重新包装", "Repackaging"),
  repairing: w("维修", "Repairing"),
  replacing: w("更换", "Replacing"),
  reserving: w("预留", "Reserving"),
  retail_selling: w("零售", "Retail selling"),
  sampling: w("抽样", "Sampling"),
  sensor_reporting: w("传感器记录", "Sensor reporting"),
  shipping: w("发货", "Shipping"),
  staging_outbound: w("待出库", "Staging outbound"),
  stock_taking: w("盘点", "Stock taking"),
  stocking: w("上架", "Stocking"),
  storing: w("仓储", "Storing"),
  transporting: w("运输", "Transporting"),
  unloading: w("卸货", "Unloading"),
  unpacking: w("拆包", "Unpacking"),
  void_shipping: w("取消发货", "Void shipping"),
};

const verdict = {
  genuine: w("正品", "Genuine"),
  warning: w("注意：请核实", "Warning: please check"),
  suspicious: w("可疑", "Suspicious"),
  counterfeit: w("疑似假冒", "Likely counterfeit"),
  recalled: w("已召回", "Recalled"),
  invalid: w("不是已登记的防伪码", "Not a registered code"),
} satisfies Of<typeof verdicts>;

/** Risk rules: the reasons of a verdict and the rule of an alert. */
const rule = {
  forged_code: w("伪造或未登记的码", "Forged or unregistered code"),
  voided_label: w("标签已作废", "Label voided"),
  recalled_batch: w("批次已召回", "Batch recalled"),
  unreleased_batch: w("批次尚未放行", "Batch not yet released"),
  authorization_lapsed: w("授权已失效", "Authorization lapsed"),
  past_shelf_life: w("已过保质期", "Past shelf life"),
  many_clients: w("多个来源扫描同一码", "Scanned by many sources"),
  impossible_travel: w("短时间内异地扫描", "Impossible travel between scans"),
  wide_spread: w("在多个地市被扫描", "Scanned in many prefectures"),
  batch_anomaly: w("批次复制码比例异常", "Share of copied codes in batch"),
} satisfies Record<RuleId, Words>;

const locationSource = {
  gps: w("设备定位", "Device location"),
  ip: w("网络位置", "Network location"),
  none: w("无位置", "No location"),
} satisfies Of<typeof locationSources>;

const alertSubject = {
  label: w("标签", "Label"),
  batch: w("批次", "Batch"),
  authorization: w("授权", "Authorization"),
  client: w("扫码来源", "Scanning source"),
  region: w("地区", "Region"),
} satisfies Of<typeof alertSubjects>;

const severity = {
  low: w("低", "Low"),
  medium: w("中", "Medium"),
  high: w("高", "High"),
  critical: w("严重", "Critical"),
} satisfies Of<typeof alertSeverities>;

const alertStatus = {
  new: w("新线索", "New"),
  acknowledged: w("已受理", "Acknowledged"),
  investigating: w("调查中", "Investigating"),
  confirmed: w("已查实", "Confirmed"),
  dismissed: w("已排除", "Dismissed"),
} satisfies Of<typeof alertStatuses>;

const alertAction = {
  void_labels: w("作废标签", "Void labels"),
  suspend_authorization: w("暂停授权", "Suspend authorization"),
  recall_batch: w("召回批次", "Recall batch"),
};

const reportStatus = {
  new: w("待处理", "New"),
  reviewed: w("已审阅", "Reviewed"),
  closed: w("已结案", "Closed"),
} satisfies Of<typeof reportStatuses>;

/** A row of the organization import's report. */
const importRowStatus = {
  created: w("将新建", "New"),
  existing: w("已存在", "Already registered"),
  invalid: w("有误", "Invalid"),
};

export const domainWords = {
  category,
  protectionType,
  giProductStatus,
  organizationKind,
  organizationStatus,
  siteKind,
  role,
  authorizationStatus,
  batchStatus,
  labelStatus,
  traceStep,
  cbvBusinessStep,
  verdict,
  rule,
  locationSource,
  alertSubject,
  severity,
  alertStatus,
  alertAction,
  reportStatus,
  importRowStatus,
} as const;

export type WordKind = keyof typeof domainWords;

/** A readable stand-in for an identifier the dictionary lacks: `retail_selling` → `retail selling`. */
function readable(id: string): string {
  return id.replace(/^.*[/:-]/, "").replaceAll("_", " ");
}

/**
 * The word for `id` of `kind` in `lang`. Trace steps also accept CBV business steps and their
 * URIs (`https://ref.gs1.org/cbv/BizStep-shipping`, `urn:epcglobal:cbv:bizstep:shipping`).
 */
export function wordFor(kind: WordKind, id: string, lang: Language): string {
  const table = domainWords[kind] as Record<string, Words>;
  const own = Object.hasOwn(table, id) ? table[id] : undefined;
  if (own) return own[lang];
  if (kind === "traceStep" || kind === "cbvBusinessStep") {
    const step = id.replace(/^.*(BizStep-|bizstep:)/, "");
    const cbv = Object.hasOwn(cbvBusinessStep, step) ? cbvBusinessStep[step] : undefined;
    if (cbv) return cbv[lang];
  }
  return readable(id);
}
