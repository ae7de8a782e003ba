// Demo data for local use (`npm start`). Fixed ids so the seed is idempotent.
//
// The GI products are real GIs from the cities of the programme documents (Zhoushan, Jinan,
// Zibo, Zhengzhou, Chaoyang). Their registration numbers are NOT the real ones: every number
// carries the `DEMO-` prefix so nobody mistakes it for an official record. Protected areas are
// rough demo polygons, not the legally defined boundaries.

export const DEMO_PASSWORD = "demo-password";

/** A rough box around the Zhoushan archipelago and its inshore fishing grounds (demo only). */
export const zhoushanArea = {
  type: "Polygon",
  coordinates: [
    [
      [121.6, 29.5],
      [123.4, 29.5],
      [123.4, 31.0],
      [121.6, 31.0],
      [121.6, 29.5],
    ],
  ],
};

export const demoGiProducts = [
  {
    id: "gi_dm0zhoushandaiyu",
    name_zh: "舟山带鱼",
    name_en: "Zhoushan Hairtail",
    category: "seafood",
    protection_type: "certification_mark",
    registration_no: "DEMO-5981316",
    holder_name: "舟山市水产流通与加工行业协会",
    protected_region_codes: ["330900"],
    protected_area: zhoushanArea,
    quality_standard: "舟山带鱼地理标志证明商标使用管理规则",
    shelf_life_days: 365,
    eu_china_agreement: true,
  },
  {
    id: "gi_dm0daiqudahuangy",
    name_zh: "岱衢族大黄鱼",
    name_en: "Daiqu Large Yellow Croaker",
    category: "seafood",
    protection_type: "agri_product_gi",
    registration_no: "DEMO-AGI02871",
    holder_name: "岱山县水产技术推广站",
    protected_region_codes: ["330921", "330922"],
    protected_area: zhoushanArea,
    quality_standard: "岱衢族大黄鱼质量控制技术规范",
    shelf_life_days: 270,
    eu_china_agreement: false,
  },
  {
    id: "gi_dm0zhangqiudacon",
    name_zh: "章丘大葱",
    name_en: "Zhangqiu Scallion",
    category: "produce",
    protection_type: "gi_product",
    registration_no: "DEMO-2005年第171号",
    holder_name: "济南市章丘区大葱协会",
    protected_region_codes: ["370114"],
    protected_area: null,
    quality_standard: "GB/T 19868 地理标志产品 章丘大葱",
    shelf_life_days: 60,
    eu_china_agreement: true,
  },
  {
    id: "gi_dm0pingyinmeigui",
    name_zh: "平阴玫瑰",
    name_en: "Pingyin Rose",
    category: "herbal",
    protection_type: "gi_product",
    registration_no: "DEMO-2006年第93号",
    holder_name: "平阴县玫瑰研究所",
    protected_region_codes: ["370124"],
    protected_area: null,
    quality_standard: "地理标志产品 平阴玫瑰",
    shelf_life_days: 540,
    eu_china_agreement: false,
  },
  {
    id: "gi_dm0boshanmihoutao",
    name_zh: "博山猕猴桃",
    name_en: "Boshan Kiwifruit",
    category: "fruit",
    protection_type: "agri_product_gi",
    registration_no: "DEMO-AGI01554",
    holder_name: "淄博市博山区果树站",
    protected_region_codes: ["370304"],
    protected_area: null,
    quality_standard: "博山猕猴桃质量控制技术规范",
    shelf_life_days: 90,
    eu_china_agreement: false,
  },
  {
    id: "gi_dm0xinzhengdazao",
    name_zh: "新郑大枣",
    name_en: "Xinzheng Jujube",
    category: "fruit",
    protection_type: "gi_product",
    registration_no: "DEMO-2007年第84号",
    holder_name: "新郑市红枣协会",
    protected_region_codes: ["410184"],
    protected_area: null,
    quality_standard: "地理标志产品 新郑大枣",
    shelf_life_days: 365,
    eu_china_agreement: false,
  },
  {
    id: "gi_dm0chaoyangxiaom",
    name_zh: "朝阳小米",
    name_en: "Chaoyang Millet",
    category: "grain",
    protection_type: "collective_mark",
    registration_no: "DEMO-17935214",
    holder_name: "朝阳市谷子协会",
    protected_region_codes: ["211300"],
    protected_area: null,
    quality_standard: "朝阳小米集体商标使用管理规则",
    shelf_life_days: 365,
    eu_china_agreement: false,
  },
] as const;

export const demoOrganization = {
  id: "org_dm0putuodaiyucoop",
  name: "舟山市普陀区东海带鱼捕捞专业合作社（演示）",
  // A syntactically valid USCC (GB 32100-2015 check character) that belongs to no one.
  uscc: "93330903MA2A1B2C39",
  kind: "cooperative",
  region_code: "330903",
  address: "浙江省舟山市普陀区沈家门街道（演示地址）",
  contact_name: "王船长",
  contact_phone: "0580-0000000",
  contact_email: "coop@demo.local",
};

export const demoSite = {
  id: "site_dm0shenjiamenport",
  organization_id: demoOrganization.id,
  name: "沈家门渔港卸货码头",
  kind: "port",
  lat: 29.9445,
  lng: 122.3027,
  region_code: "330903",
};

export const demoAuthorization = {
  id: "auth_dm0zhoushandaiyu1",
  number: "ZSDY-2026-0001",
  organization_id: demoOrganization.id,
  gi_product_id: "gi_dm0zhoushandaiyu",
  valid_from: "2026-01-01",
  valid_until: "2028-12-31",
  annual_label_quota: 200000,
  status: "active",
};

export const demoUsers = [
  {
    id: "usr_dm0admin00000001",
    email: "admin@demo.local",
    role: "admin",
    display_name: "演示管理员 Demo admin",
    organization_id: null,
    region_codes: [],
  },
  {
    id: "usr_dm0coop000000001",
    email: "coop@demo.local",
    role: "producer",
    display_name: "东海带鱼合作社 Demo cooperative",
    organization_id: demoOrganization.id,
    region_codes: [],
  },
  {
    id: "usr_dm0regulator0001",
    email: "regulator@demo.local",
    role: "regulator",
    display_name: "舟山市市场监督管理局 Demo regulator",
    organization_id: null,
    region_codes: ["330900"],
  },
] as const;

/** A released batch with its trace chain, so the verify page has something real to show. */
export const demoBatch = {
  id: "bat_dm0zhoushan202611",
  organization_id: demoOrganization.id,
  authorization_id: demoAuthorization.id,
  site_id: demoSite.id,
  lot_code: "ZSDY-20261120-01",
  quantity: 1200,
  unit: "kg",
  produced_at: "2026-11-20T04:30:00.000Z",
  description: "东海带鱼 冰鲜 一级（演示批次）",
  status: "released",
  released_at: "2026-11-20T10:00:00.000Z",
};

export const demoTraceEvents = [
  {
    type: "catch",
    occurred_at: "2026-11-19T21:00:00.000Z",
    place_name: "东海舟山渔场",
    lat: 30.2,
    lng: 123.1,
    data: { vessel: "浙普渔12345（演示）" },
  },
  {
    type: "landing",
    occurred_at: "2026-11-20T04:30:00.000Z",
    place_name: "沈家门渔港",
    lat: 29.9445,
    lng: 122.3027,
    data: null,
  },
  {
    type: "inspection",
    occurred_at: "2026-11-20T06:00:00.000Z",
    place_name: "舟山市水产品质量检测中心",
    lat: null,
    lng: null,
    data: { result: "合格", report_no: "DEMO-ZS-2026-1120" },
  },
  {
    type: "packing",
    occurred_at: "2026-11-20T08:00:00.000Z",
    place_name: "普陀水产加工厂",
    lat: null,
    lng: null,
    data: { packs: 600 },
  },
  {
    type: "shipping",
    occurred_at: "2026-11-20T10:00:00.000Z",
    place_name: "沈家门 → 上海 冷链",
    lat: null,
    lng: null,
    data: null,
  },
].map((event, index) => ({ id: `evt_dm0zhoushan0000${index}`, batch_id: demoBatch.id, ...event }));

export const DEMO_LABEL_COUNT = 50;
