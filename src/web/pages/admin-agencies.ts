// Agencies (admin): the province's directory as a tree (ministries, province, departments,
// districts, communes; QCVN 102:2016 codes), registering a new agency, activating or deactivating
// one, and the certificates bound to each (an agency's seal must chain to one of these).
import { confirmDialog } from '../components/dialog.js';
import { errorNotice, notice } from '../components/notice.js';
import { progressBar } from '../components/progress.js';
import { ApiError, fieldErrorsOf } from '../api.js';
import { field, h, replace, showFieldError, tableHead } from '../dom.js';
import { defineMessages, formatDateTime } from '../i18n.js';
import { LEVEL, levelLabel } from '../labels.js';
import type { PageContext } from '../router.js';
import type { Agency } from '../types.js';

const t = defineMessages({
  vi: {
    title: 'Quản lý cơ quan',
    intro: 'Danh sách cơ quan tham gia trục liên thông, theo mã định danh QCVN 102:2016.',
    list: 'Danh sách cơ quan',
    code: 'Mã định danh',
    name: 'Tên cơ quan',
    level: 'Cấp',
    parent: 'Cơ quan cấp trên',
    state: 'Trạng thái',
    actions: 'Thao tác',
    active: 'Đang hoạt động',
    inactive: 'Ngừng hoạt động',
    none: '—',
    empty: 'Chưa có cơ quan nào.',
    count: '{n} cơ quan, {a} đang hoạt động',
    deactivate: 'Ngừng hoạt động',
    activate: 'Kích hoạt',
    deactivateTitle: 'Ngừng hoạt động cơ quan {name}?',
    deactivateBody: 'Cơ quan {code} sẽ không còn trong danh sách nơi nhận và không nhận được văn bản mới. Văn bản đã trao đổi vẫn được giữ nguyên.',
    activateTitle: 'Kích hoạt lại cơ quan {name}?',
    activateBody: 'Cơ quan {code} sẽ lại xuất hiện trong danh sách nơi nhận và nhận được văn bản.',
    deactivated: 'Đã ngừng hoạt động cơ quan {name} ({code}).',
    activated: 'Đã kích hoạt cơ quan {name} ({code}).',
    certificates: 'Chứng thư số',
    certificatesOf: 'Chứng thư số của {name}',
    certificatesHint: 'Chữ ký số cơ quan trên văn bản gửi đi phải dùng một trong các chứng thư đang hiệu lực dưới đây.',
    hideCertificates: 'Ẩn chứng thư số',
    noCertificates: 'Chưa gắn chứng thư số nào.',
    subject: 'Chủ thể',
    fingerprint: 'Dấu vân tay SHA-256',
    validity: 'Hiệu lực',
    validFromTo: '{from} – {to}',
    certActive: 'Đang dùng',
    certRetired: 'Đã thay thế',
    certExpired: 'Đã hết hạn',
    upload: 'Tải lên chứng thư',
    file: 'Tệp chứng thư (PEM hoặc DER)',
    fileHint: 'Chứng thư số của cơ quan (.pem, .cer, .crt, .der) do Ban Cơ yếu Chính phủ cấp.',
    chooseFile: 'Vui lòng chọn một tệp chứng thư.',
    uploading: 'Đang tải lên chứng thư',
    uploaded: 'Đã gắn chứng thư cho {name}: {subject}',
    create: 'Đăng ký cơ quan mới',
    codeHint: 'Dạng 000.00.00.H54 (QCVN 102:2016).',
    codeInvalid: 'Mã không đúng dạng 000.00.00.A00.',
    codeExists: 'Mã này đã được đăng ký.',
    nameRequired: 'Vui lòng nhập tên cơ quan.',
    levelAuto: 'Tự xác định theo mã',
    parentNone: 'Không có (cấp cao nhất)',
    parentAuto: 'Tự xác định theo mã',
    submit: 'Đăng ký',
    created: 'Đã đăng ký cơ quan {name} ({code}).',
  },
  en: {
    title: 'Agencies',
    intro: 'The agencies on the exchange axis, by their QCVN 102:2016 codes.',
    list: 'Agencies',
    code: 'Code',
    name: 'Name',
    level: 'Level',
    parent: 'Parent agency',
    state: 'State',
    actions: 'Actions',
    active: 'Active',
    inactive: 'Inactive',
    none: '—',
    empty: 'No agencies yet.',
    count: '{n} agencies, {a} active',
    deactivate: 'Deactivate',
    activate: 'Activate',
    deactivateTitle: 'Deactivate {name}?',
    deactivateBody: 'Agency {code} leaves the recipients list and receives no new documents. Documents already exchanged are kept.',
    activateTitle: 'Activate {name} again?',
    activateBody: 'Agency {code} appears in the recipients list again and receives documents.',
    deactivated: 'Deactivated {name} ({code}).',
    activated: 'Activated {name} ({code}).',
    certificates: 'Certificates',
    certificatesOf: 'Certificates of {name}',
    certificatesHint: 'The agency seal on outgoing documents must use one of the active certificates below.',
    hideCertificates: 'Hide certificates',
    noCertificates: 'No certificate bound yet.',
    subject: 'Subject',
    fingerprint: 'SHA-256 fingerprint',
    validity: 'Validity',
    validFromTo: '{from} – {to}',
    certActive: 'Active',
    certRetired: 'Retired',
    certExpired: 'Expired',
    upload: 'Upload certificate',
    file: 'Certificate file (PEM or DER)',
    fileHint: 'The agency’s certificate (.pem, .cer, .crt, .der) issued by the Government Cipher Committee.',
    chooseFile: 'Please choose a certificate file.',
    uploading: 'Uploading the certificate',
    uploaded: 'Certificate bound to {name}: {subject}',
    create: 'Register a new agency',
    codeHint: 'Of the form 000.00.00.H54 (QCVN 102:2016).',
    codeInvalid: 'The code is not of the form 000.00.00.A00.',
    codeExists: 'This code is already registered.',
    nameRequired: 'Please enter the agency’s name.',
    levelAuto: 'From the code',
    parentNone: 'None (top level)',
    parentAuto: 'From the code',
    submit: 'Register',
    created: 'Registered {name} ({code}).',
  },
});

const CODE_PATTERN = '^\\d{3}\\.\\d{2}\\.\\d{2}\\.[A-Z]\\d{2}$';
const CODE_RE = new RegExp(CODE_PATTERN);

interface Certificate {
  id: string;
  agencyId: string;
  fingerprintSha256: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  active: boolean;
  createdAt: string;
}

export default async function agenciesPage(ctx: PageContext): Promise<Node> {
  ctx.setTitle(t('title'));
  const messages = h('div', { 'aria-live': 'polite' });
  const tbody = h('tbody');
  const summary = h('p', { class: 'muted' });
  let agencies: Agency[] = [];
  /** Agencies whose certificates panel is open, kept open across redraws. */
  const open = new Set<string>();

  const say = (n: HTMLElement) => replace(messages, n);

  const reload = async () => {
    agencies = await ctx.api.get<Agency[]>('/admin/agencies');
    draw();
    fillParents();
  };

  const draw = () => {
    const ordered = treeOrder(agencies);
    summary.textContent = t('count', { n: agencies.length, a: agencies.filter((a) => a.active).length });
    if (!ordered.length) {
      replace(tbody, h('tr', {}, h('td', { colspan: 6, class: 'muted' }, t('empty'))));
      return;
    }
    const rows: HTMLElement[] = [];
    for (const { agency, depth } of ordered) {
      const certRow = h('tr', { class: 'cert-row', hidden: !open.has(agency.code), 'data-certificates-of': agency.code });
      const certCell = h('td', { colspan: 6 });
      certRow.append(certCell);
      const certBtn = h('button', { type: 'button', class: 'link', 'aria-expanded': String(open.has(agency.code)), 'data-action': 'show-certificates' }, t('certificates'));
      certBtn.addEventListener('click', () => {
        if (open.has(agency.code)) {
          open.delete(agency.code);
          certRow.hidden = true;
          certBtn.setAttribute('aria-expanded', 'false');
        } else {
          open.add(agency.code);
          certRow.hidden = false;
          certBtn.setAttribute('aria-expanded', 'true');
          void certificatesPanel(agency, certCell);
        }
      });
      if (open.has(agency.code)) void certificatesPanel(agency, certCell);
      const toggle = h(
        'button',
        { type: 'button', 'data-action': agency.active ? 'deactivate-agency' : 'activate-agency' },
        agency.active ? t('deactivate') : t('activate'),
      );
      toggle.addEventListener('click', () => void setActive(agency, !agency.active));
      rows.push(
        h(
          'tr',
          { 'data-agency-code': agency.code, 'data-active': String(agency.active), class: agency.active ? null : 'agency-inactive' },
          h('td', {}, h('code', {}, agency.code)),
          h('td', { class: `tree-name depth-${Math.min(depth, 4)}` }, depth > 0 ? h('span', { class: 'tree-mark', 'aria-hidden': 'true' }, '└ ') : null, agency.name),
          h('td', { class: 'hide-narrow' }, levelLabel(agency.level)),
          h('td', { class: 'hide-narrow' }, agency.parentCode ? h('code', {}, agency.parentCode) : t('none')),
          h('td', {}, h('span', { class: `state ${agency.active ? 'state-on' : 'state-off'}` }, agency.active ? t('active') : t('inactive'))),
          h('td', {}, h('div', { class: 'row-actions' }, certBtn, toggle)),
        ),
        certRow,
      );
    }
    replace(tbody, ...rows);
  };

  const setActive = async (agency: Agency, active: boolean) => {
    const ok = await confirmDialog({
      title: t(active ? 'activateTitle' : 'deactivateTitle', { name: agency.name }),
      body: t(active ? 'activateBody' : 'deactivateBody', { code: agency.code }),
      confirmLabel: active ? t('activate') : t('deactivate'),
      danger: !active,
    });
    if (ok === null) return;
    try {
      await ctx.api.patch<Agency>(`/admin/agencies/${encodeURIComponent(agency.code)}`, { active });
      await reload();
      say(notice('ok', t(active ? 'activated' : 'deactivated', { name: agency.name, code: agency.code })));
    } catch (e) {
      say(errorNotice(e));
    }
  };

  const certificatesPanel = async (agency: Agency, cell: HTMLElement) => {
    const list = h('div', {}, h('p', { class: 'loading' }, '…'));
    const panelMessages = h('div', { 'aria-live': 'polite' });
    const file = h('input', { type: 'file', accept: '.pem,.cer,.crt,.der,application/x-pem-file,application/pkix-cert' });
    const fileField = field(t('file'), file, { hint: t('fileHint') });
    const progress = progressBar(t('uploading'));
    const submit = h('button', { type: 'submit', class: 'primary', 'data-action': 'upload-certificate' }, t('upload'));
    const form = h('form', { class: 'inline-upload', 'data-testid': 'certificate-upload' }, fileField.wrap, h('div', { class: 'actions' }, submit), progress.el);
    const loadList = async () => {
      try {
        const certs = await ctx.api.get<Certificate[]>(`/admin/agencies/${encodeURIComponent(agency.code)}/certificates`);
        replace(list, certificatesTable(certs));
      } catch (e) {
        replace(list, errorNotice(e));
      }
    };
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      showFieldError(fileField, null);
      const f = file.files?.[0];
      if (!f) {
        showFieldError(fileField, t('chooseFile'));
        file.focus();
        return;
      }
      const body = new FormData();
      body.append('file', f, f.name);
      submit.disabled = true;
      progress.update(0, f.size);
      try {
        const cert = await ctx.api.upload<Certificate>(`/admin/agencies/${encodeURIComponent(agency.code)}/certificates`, body, { onProgress: (l, total) => progress.update(l, total) });
        file.value = '';
        replace(
          panelMessages,
          notice(
            'ok',
            t('uploaded', { name: agency.name, subject: cert.subject }),
            h('p', {}, `${t('fingerprint')}: `, h('code', {}, cert.fingerprintSha256)),
            h('p', {}, `${t('validity')}: ${t('validFromTo', { from: formatDateTime(cert.notBefore), to: formatDateTime(cert.notAfter) })}`),
          ),
        );
        await loadList();
      } catch (err) {
        const fieldMsg = fieldErrorsOf(err).certificate;
        if (fieldMsg) showFieldError(fileField, fieldMsg);
        replace(panelMessages, errorNotice(err));
      } finally {
        progress.done();
        submit.disabled = false;
      }
    });
    replace(
      cell,
      h(
        'section',
        { class: 'cert-panel', 'aria-label': t('certificatesOf', { name: agency.name }), 'data-testid': 'agency-certificates' },
        h('h3', {}, t('certificatesOf', { name: agency.name })),
        h('p', { class: 'hint' }, t('certificatesHint')),
        list,
        panelMessages,
        form,
      ),
    );
    await loadList();
  };

  // Registration form.
  const code = h('input', { type: 'text', name: 'code', required: true, pattern: CODE_PATTERN, placeholder: '000.00.00.H54', autocomplete: 'off', spellcheck: 'false', maxlength: 13 });
  const name = h('input', { type: 'text', name: 'name', required: true, maxlength: 255 });
  const level = h('select', { name: 'level' }, h('option', { value: '' }, t('levelAuto')), ...Object.keys(LEVEL).map((l) => h('option', { value: l }, levelLabel(l))));
  const parent = h('select', { name: 'parentCode' });
  const fCode = field(t('code'), code, { hint: t('codeHint') });
  const fName = field(t('name'), name);
  const fLevel = field(t('level'), level);
  const fParent = field(t('parent'), parent);
  const fields: Record<string, { error: HTMLElement; control: HTMLElement }> = { code: fCode, name: fName, level: fLevel, parentCode: fParent };
  const createMessages = h('div', { 'aria-live': 'polite' });
  const createBtn = h('button', { type: 'submit', class: 'primary', 'data-action': 'create-agency' }, t('submit'));
  const createForm = h(
    'form',
    { class: 'admin-form', novalidate: true, 'data-testid': 'agency-create', 'aria-labelledby': 'agency-create-title' },
    h('h2', { id: 'agency-create-title' }, t('create')),
    h('div', { class: 'form-grid' }, fCode.wrap, fName.wrap, fLevel.wrap, fParent.wrap),
    createMessages,
    h('div', { class: 'actions' }, createBtn),
  );
  const fillParents = () => {
    const current = parent.value;
    replace(
      parent,
      h('option', { value: '' }, t('parentAuto')),
      h('option', { value: 'none' }, t('parentNone')),
      ...treeOrder(agencies).map(({ agency, depth }) => h('option', { value: agency.code }, `${'\u00a0\u00a0'.repeat(depth)}${depth ? '└ ' : ''}${agency.name} (${agency.code})`)),
    );
    parent.value = current;
  };
  createForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const f of Object.values(fields)) showFieldError(f, null);
    replace(createMessages);
    const c = code.value.trim();
    const n = name.value.trim();
    let bad: HTMLElement | null = null;
    if (!CODE_RE.test(c)) {
      showFieldError(fCode, t('codeInvalid'));
      bad = code;
    }
    if (!n) {
      showFieldError(fName, t('nameRequired'));
      bad ??= name;
    }
    if (bad) {
      bad.focus();
      return;
    }
    const body: Record<string, unknown> = { code: c, name: n };
    if (level.value) body.level = level.value;
    if (parent.value === 'none') body.parentCode = null;
    else if (parent.value) body.parentCode = parent.value;
    createBtn.disabled = true;
    try {
      const created = await ctx.api.post<Agency>('/admin/agencies', body);
      createForm.reset();
      await reload();
      replace(createMessages, notice('ok', t('created', { name: created.name, code: created.code })));
    } catch (err) {
      let placed = false;
      for (const [path, msg] of Object.entries(fieldErrorsOf(err))) {
        const f = fields[path];
        if (f) {
          showFieldError(f, msg);
          placed = true;
        }
      }
      if (err instanceof ApiError && (err.code === 'AGENCY_EXISTS' || err.code === 'AGENCY_CODE_INVALID')) {
        showFieldError(fCode, err.code === 'AGENCY_EXISTS' ? t('codeExists') : t('codeInvalid'));
        placed = true;
      }
      replace(createMessages, errorNotice(err));
      if (placed) (createForm.querySelector('[aria-invalid="true"]') as HTMLElement | null)?.focus();
    } finally {
      createBtn.disabled = false;
    }
  });

  try {
    await reload();
  } catch (e) {
    say(errorNotice(e));
  }

  return h(
    'section',
    { 'aria-labelledby': 'agencies-title', 'data-testid': 'admin-agencies' },
    h('h1', { id: 'agencies-title' }, t('title')),
    h('p', { class: 'muted' }, t('intro')),
    messages,
    h('h2', {}, t('list')),
    summary,
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'list agency-table', 'data-testid': 'agency-table' },
        tableHead([t('code'), t('name'), t('level'), t('parent'), t('state'), t('actions')], { hideNarrow: [2, 3] }),
        tbody,
      ),
    ),
    createForm,
  );
}

function certificatesTable(certs: Certificate[]): HTMLElement {
  if (!certs.length) return h('p', { class: 'muted' }, t('noCertificates'));
  const now = Date.now();
  return h(
    'table',
    { class: 'list compact', 'data-testid': 'certificate-table' },
    tableHead([t('subject'), t('fingerprint'), t('validity'), t('state')]),
    h(
      'tbody',
      {},
      ...certs.map((c) => {
        const expired = new Date(c.notAfter).getTime() < now;
        const state = expired ? 'expired' : c.active ? 'active' : 'retired';
        return h(
          'tr',
          { 'data-fingerprint': c.fingerprintSha256, 'data-state': state },
          h('td', { class: 'wrap-anywhere' }, c.subject),
          h('td', {}, h('code', { title: c.fingerprintSha256 }, fingerprintShort(c.fingerprintSha256))),
          h('td', {}, t('validFromTo', { from: formatDateTime(c.notBefore), to: formatDateTime(c.notAfter) })),
          h('td', {}, h('span', { class: `state ${state === 'active' ? 'state-on' : state === 'expired' ? 'state-warn' : 'state-off'}` }, t(state === 'active' ? 'certActive' : state === 'expired' ? 'certExpired' : 'certRetired'))),
        );
      }),
    ),
  );
}

/** "AB:CD:…" groups of the first 16 bytes, so two fingerprints can be compared by eye. */
function fingerprintShort(hex: string): string {
  const clean = hex.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return (clean.slice(0, 32).match(/../g) ?? []).join(':') + (clean.length > 32 ? '…' : '');
}


/** Parents before their children, children by code; agencies whose parent is unknown at the top. */
function treeOrder(agencies: Agency[]): Array<{ agency: Agency; depth: number }> {
  const byCode = new Map(agencies.map((a) => [a.code, a]));
  const children = new Map<string | null, Agency[]>();
  for (const a of agencies) {
    const key = a.parentCode && byCode.has(a.parentCode) ? a.parentCode : null;
    const list = children.get(key) ?? [];
    list.push(a);
    children.set(key, list);
  }
  const order = ['central', 'province', 'district', 'commune'];
  const sort = (list: Agency[]) => [...list].sort((a, b) => order.indexOf(a.level) - order.indexOf(b.level) || a.code.localeCompare(b.code));
  const out: Array<{ agency: Agency; depth: number }> = [];
  const seen = new Set<string>();
  const walk = (key: string | null, depth: number) => {
    for (const a of sort(children.get(key) ?? [])) {
      if (seen.has(a.code)) continue;
      seen.add(a.code);
      out.push({ agency: a, depth });
      walk(a.code, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}
