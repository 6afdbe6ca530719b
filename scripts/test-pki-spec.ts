// The TEST-ONLY PKI, described once. generate-test-pki.ts turns this table into certs-fixtures/;
// tests and the demo read certs-fixtures/manifest.json, never these names directly.
//
// The hierarchy mirrors the Vietnamese government one (Ban Cơ yếu Chính phủ root, a sub-CA for
// state agencies, agency seal certificates and personal signer certificates), with "TEST" in every
// CA name so nobody can mistake a fixture for a real certificate. Subjects are written the way
// Vietnamese tools print them, most specific attribute first; the generator reverses them into
// DER order (C first). The agency code travels as an extra `UID=MCQ:<code>` attribute (our
// convention: real certificates carry only MST/MNS, the code is what the axis routes on).

export type KeyType = 'rsa-2048' | 'rsa-3072' | 'ec-p256';
export type Role = 'root' | 'intermediate' | 'seal' | 'signer' | 'tsa' | 'service' | 'negative';
export type Level = 'central' | 'province' | 'district' | 'commune';
export type NegativeKind = 'expired' | 'not-yet-valid' | 'revoked' | 'untrusted-root' | 'untrusted-issuer' | 'wrong-key-usage';
export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign';

/** Short attribute names the generator knows how to encode (C is PrintableString, E IA5String, the rest UTF8String). */
export type AttrType = 'CN' | 'O' | 'OU' | 'L' | 'ST' | 'C' | 'E' | 'T' | 'UID';

export interface CertSpec {
  /** File stem: `<name>.cert.pem`, `<name>.key.pem`, `<name>.p12`. */
  readonly name: string;
  readonly role: Role;
  readonly negative?: NegativeKind;
  /** `name` of the issuing CA; undefined = self-signed. */
  readonly issuer?: string;
  readonly keyType: KeyType;
  /** Most specific first, as printed by Vietnamese signing tools. */
  readonly subject: ReadonlyArray<readonly [AttrType, string]>;
  readonly agencyCode?: string;
  readonly level?: Level;
  readonly notBefore: string;
  readonly notAfter: string;
  /** CA: basicConstraints cA=true with this path length (null = unlimited). */
  readonly ca?: { readonly pathLength: number | null };
  readonly keyUsage: readonly KeyUsageName[];
  readonly extendedKeyUsage?: readonly string[];
  /** Revocation date in the issuer's CRL (reason keyCompromise). */
  readonly revokedAt?: string;
  /** Short name for the images: seal-<image>.png / handwritten-<image>.png. */
  readonly image?: string;
}

export interface CrlSpec {
  readonly name: string;
  readonly issuer: string;
  readonly crlNumber: number;
  readonly thisUpdate: string;
  readonly nextUpdate: string;
}

export const P12_PASSWORD = 'docaxis-test';
const TSA_EKU = '1.3.6.1.5.5.7.3.8';

// CAs start in 2019 so that the expired end entity (2020-2022) lies inside its issuer's validity,
// as it would have in real life; everything good runs until 2045 (CAs 2050) so tests age well.
const CA_FROM = '2019-01-01T00:00:00Z';
const CA_TO = '2050-12-31T23:59:59Z';
const EE_FROM = '2024-01-01T00:00:00Z';
const EE_TO = '2045-12-31T23:59:59Z';
const EE_KU: readonly KeyUsageName[] = ['digitalSignature', 'nonRepudiation'];
const CA_KU: readonly KeyUsageName[] = ['keyCertSign', 'cRLSign'];

const PROVINCE = 'Ủy ban nhân dân tỉnh Thái Bình';
const DISTRICT = 'Ủy ban nhân dân huyện Đông Hưng';
const BCY = 'Ban Cơ yếu Chính phủ - TEST';

function seal(
  name: string,
  image: string,
  agencyCode: string,
  level: Level,
  keyType: KeyType,
  cn: string,
  o: string,
  l: string,
  email: string,
  mst: string,
  mns: string,
): CertSpec {
  return {
    name,
    role: 'seal',
    issuer: 'intermediate-ca',
    keyType,
    subject: [
      ['E', email],
      ['UID', `MST:${mst}`],
      ['UID', `MNS:${mns}`],
      ['UID', `MCQ:${agencyCode}`],
      ['CN', cn],
      ['O', o],
      ['L', l],
      ['C', 'VN'],
    ],
    agencyCode,
    level,
    notBefore: EE_FROM,
    notAfter: EE_TO,
    keyUsage: EE_KU,
    image,
  };
}

interface Person {
  readonly cccd: string;
  readonly title: string;
  readonly cn: string;
  readonly o: string;
  readonly email: string;
  readonly l?: string;
}

function personSubject(p: Person): CertSpec['subject'] {
  return [
    ['E', p.email],
    ['UID', `CCCD:${p.cccd}`],
    ['T', p.title],
    ['CN', p.cn],
    ['O', p.o],
    ['L', p.l ?? 'Thái Bình'],
    ['C', 'VN'],
  ];
}

function signer(name: string, image: string, agencyCode: string, level: Level, keyType: KeyType, p: Person): CertSpec {
  return {
    name,
    role: 'signer',
    issuer: 'intermediate-ca',
    keyType,
    subject: personSubject(p),
    agencyCode,
    level,
    notBefore: EE_FROM,
    notAfter: EE_TO,
    keyUsage: EE_KU,
    image,
  };
}

export const CERTS: readonly CertSpec[] = [
  // --- CAs ---
  {
    name: 'root-ca',
    role: 'root',
    keyType: 'rsa-3072',
    subject: [
      ['CN', 'Cơ quan chứng thực số chuyên dùng Chính phủ - TEST (docaxis)'],
      ['O', BCY],
      ['C', 'VN'],
    ],
    notBefore: CA_FROM,
    notAfter: CA_TO,
    ca: { pathLength: null },
    keyUsage: CA_KU,
  },
  {
    name: 'intermediate-ca',
    role: 'intermediate',
    issuer: 'root-ca',
    keyType: 'rsa-2048',
    subject: [
      ['CN', 'CA phục vụ các cơ quan Nhà nước - TEST'],
      ['O', BCY],
      ['C', 'VN'],
    ],
    notBefore: CA_FROM,
    notAfter: CA_TO,
    ca: { pathLength: 0 },
    keyUsage: CA_KU,
  },

  // --- Agency seals, one per level at least ---
  seal('seal-vpcp', 'vpcp', '000.00.00.G22', 'central', 'rsa-3072', 'Văn phòng Chính phủ', 'Chính phủ', 'Hà Nội', 'vpcp@docaxis.test', '0100000001', '1000001'),
  seal('seal-ubnd-thai-binh', 'ubnd-thai-binh', '000.00.00.H54', 'province', 'rsa-2048', PROVINCE, PROVINCE, 'Thái Bình', 'ubnd@thaibinh.docaxis.test', '1000000002', '1000002'),
  seal('seal-syt-thai-binh', 'syt-thai-binh', '000.00.12.H54', 'province', 'ec-p256', 'Sở Y tế tỉnh Thái Bình', PROVINCE, 'Thái Bình', 'syt@thaibinh.docaxis.test', '1000000003', '1000003'),
  seal('seal-snv-thai-binh', 'snv-thai-binh', '000.00.05.H54', 'province', 'rsa-2048', 'Sở Nội vụ tỉnh Thái Bình', PROVINCE, 'Thái Bình', 'snv@thaibinh.docaxis.test', '1000000004', '1000004'),
  seal('seal-ubnd-dong-hung', 'ubnd-dong-hung', '000.00.40.H54', 'district', 'rsa-2048', DISTRICT, PROVINCE, 'Thái Bình', 'donghung@thaibinh.docaxis.test', '1000000005', '1000005'),
  seal('seal-ubnd-dong-hop', 'ubnd-dong-hop', '000.15.40.H54', 'commune', 'rsa-2048', 'Ủy ban nhân dân xã Đông Hợp', DISTRICT, 'Thái Bình', 'donghop.donghung@thaibinh.docaxis.test', '1000000006', '1000006'),
  seal('seal-ubnd-dong-xa', 'ubnd-dong-xa', '000.16.40.H54', 'commune', 'rsa-2048', 'Ủy ban nhân dân xã Đông Xá', DISTRICT, 'Thái Bình', 'dongxa.donghung@thaibinh.docaxis.test', '1000000007', '1000007'),

  // --- Personal signers (CCCD numbers start 034 = Thái Bình; all fictitious) ---
  signer('signer-nguyen-van-an', 'nguyen-van-an', '000.00.00.H54', 'province', 'rsa-2048', {
    cccd: '034075000101', title: 'Chủ tịch', cn: 'Nguyễn Văn An', o: PROVINCE, email: 'nvan@thaibinh.docaxis.test',
  }),
  signer('signer-tran-thi-binh', 'tran-thi-binh', '000.00.12.H54', 'province', 'ec-p256', {
    cccd: '034180000202', title: 'Giám đốc', cn: 'Trần Thị Bình', o: 'Sở Y tế tỉnh Thái Bình', email: 'ttbinh.syt@thaibinh.docaxis.test',
  }),
  signer('signer-le-van-cuong', 'le-van-cuong', '000.00.40.H54', 'district', 'rsa-3072', {
    cccd: '034078000303', title: 'Chủ tịch', cn: 'Lê Văn Cường', o: DISTRICT, email: 'lvcuong.donghung@thaibinh.docaxis.test',
  }),
  signer('signer-pham-thi-dung', 'pham-thi-dung', '000.15.40.H54', 'commune', 'rsa-2048', {
    cccd: '034185000404', title: 'Chủ tịch', cn: 'Phạm Thị Dung', o: 'Ủy ban nhân dân xã Đông Hợp', email: 'ptdung.donghop@thaibinh.docaxis.test',
  }),

  // --- Timestamp authority ---
  {
    name: 'tsa',
    role: 'tsa',
    issuer: 'intermediate-ca',
    keyType: 'rsa-2048',
    subject: [
      ['CN', 'Dịch vụ cấp dấu thời gian - TEST (docaxis TSA)'],
      ['O', BCY],
      ['C', 'VN'],
    ],
    notBefore: EE_FROM,
    notAfter: EE_TO,
    keyUsage: ['digitalSignature'],
    extendedKeyUsage: [TSA_EKU],
  },

  // --- The axis itself: signs the delivery and status receipts it hands to both sides ---
  {
    name: 'axis',
    role: 'service',
    issuer: 'intermediate-ca',
    keyType: 'rsa-2048',
    subject: [
      ['CN', 'Trục liên thông văn bản tỉnh Thái Bình - TEST'],
      ['O', PROVINCE],
      ['L', 'Thái Bình'],
      ['C', 'VN'],
    ],
    notBefore: EE_FROM,
    notAfter: EE_TO,
    keyUsage: EE_KU,
  },

  // --- Negative cases: each breaks exactly one rule ---
  {
    name: 'neg-expired',
    role: 'negative',
    negative: 'expired',
    issuer: 'intermediate-ca',
    keyType: 'rsa-2048',
    subject: personSubject({ cccd: '034080000505', title: 'Phó Chủ tịch', cn: 'Hoàng Văn Em (TEST hết hạn)', o: PROVINCE, email: 'hvem@thaibinh.docaxis.test' }),
    agencyCode: '000.00.00.H54',
    level: 'province',
    notBefore: '2020-01-01T00:00:00Z',
    notAfter: '2022-12-31T23:59:59Z',
    keyUsage: EE_KU,
  },
  {
    name: 'neg-not-yet-valid',
    role: 'negative',
    negative: 'not-yet-valid',
    issuer: 'intermediate-ca',
    keyType: 'rsa-2048',
    subject: personSubject({ cccd: '034082000606', title: 'Phó Giám đốc', cn: 'Vũ Thị Giang (TEST chưa hiệu lực)', o: 'Sở Nội vụ tỉnh Thái Bình', email: 'vtgiang.snv@thaibinh.docaxis.test' }),
    agencyCode: '000.00.05.H54',
    level: 'province',
    notBefore: '2040-01-01T00:00:00Z',
    notAfter: EE_TO,
    keyUsage: EE_KU,
  },
  {
    name: 'neg-revoked',
    role: 'negative',
    negative: 'revoked',
    issuer: 'intermediate-ca',
    keyType: 'rsa-2048',
    subject: personSubject({ cccd: '034079000707', title: 'Chánh Văn phòng', cn: 'Đặng Văn Hải (TEST bị thu hồi)', o: DISTRICT, email: 'dvhai.donghung@thaibinh.docaxis.test' }),
    agencyCode: '000.00.40.H54',
    level: 'district',
    notBefore: EE_FROM,
    notAfter: EE_TO,
    keyUsage: EE_KU,
    revokedAt: '2025-06-01T00:00:00Z',
  },
  {
    name: 'rogue-root-ca',
    role: 'negative',
    negative: 'untrusted-root',
    keyType: 'rsa-2048',
    subject: [
      ['CN', 'Rogue Root - TEST'],
      ['O', 'Không được tin cậy - TEST'],
      ['C', 'VN'],
    ],
    notBefore: CA_FROM,
    notAfter: CA_TO,
    ca: { pathLength: null },
    keyUsage: CA_KU,
  },
  {
    name: 'neg-rogue-signer',
    role: 'negative',
    negative: 'untrusted-issuer',
    issuer: 'rogue-root-ca',
    keyType: 'rsa-2048',
    // Same name as a real signer on purpose: only the chain tells them apart.
    subject: personSubject({ cccd: '034075000101', title: 'Chủ tịch', cn: 'Nguyễn Văn An', o: PROVINCE, email: 'nvan@thaibinh.docaxis.test' }),
    agencyCode: '000.00.00.H54',
    level: 'province',
    notBefore: EE_FROM,
    notAfter: EE_TO,
    keyUsage: EE_KU,
  },
  {
    name: 'neg-wrong-key-usage',
    role: 'negative',
    negative: 'wrong-key-usage',
    issuer: 'intermediate-ca',
    keyType: 'rsa-2048',
    subject: personSubject({ cccd: '034081000808', title: 'Văn thư', cn: 'Bùi Thị Lan (TEST sai mục đích khóa)', o: 'Ủy ban nhân dân xã Đông Xá', email: 'btlan.dongxa@thaibinh.docaxis.test' }),
    agencyCode: '000.16.40.H54',
    level: 'commune',
    notBefore: EE_FROM,
    notAfter: EE_TO,
    keyUsage: ['keyEncipherment'],
  },
];

export const CRLS: readonly CrlSpec[] = [
  { name: 'intermediate-ca', issuer: 'intermediate-ca', crlNumber: 1, thisUpdate: '2026-01-01T00:00:00Z', nextUpdate: '2045-12-31T23:59:59Z' },
  { name: 'root-ca', issuer: 'root-ca', crlNumber: 1, thisUpdate: '2026-01-01T00:00:00Z', nextUpdate: '2045-12-31T23:59:59Z' },
];
