// Trust (admin): the root certificates verification trusts (e.g. the Government Cipher
// Committee's CA) and the revocation lists it consults. A CRL past its nextUpdate is stale:
// signatures checked against it may miss a recent revocation, so it is flagged in amber.
import { errorNotice, notice } from '../components/notice.js';
import { progressBar } from '../components/progress.js';
import { fieldErrorsOf } from '../api.js';
import { field, h, replace, showFieldError, tableHead } from '../dom.js';
import { defineMessages, formatDateTime } from '../i18n.js';
import type { PageContext } from '../router.js';

const t = defineMessages({
  vi: {
    title: 'Chứng thư gốc và danh sách thu hồi',
    intro: 'Chữ ký số chỉ được công nhận khi chuỗi chứng thư dẫn tới một chứng thư gốc tin cậy dưới đây và không nằm trong danh sách thu hồi (CRL).',
    anchors: 'Chứng thư gốc tin cậy',
    anchorsHint: 'Ví dụ: chứng thư của Cơ quan chứng thực số chuyên dùng Chính phủ (Ban Cơ yếu Chính phủ).',
    crls: 'Danh sách chứng thư bị thu hồi (CRL)',
    crlsHint: 'CRL quá thời điểm cập nhật tiếp theo được đánh dấu màu vàng: hãy tải lên bản mới.',
    subject: 'Chủ thể',
    fingerprint: 'Dấu vân tay SHA-256',
    state: 'Trạng thái',
    added: 'Ngày thêm',
    active: 'Đang tin cậy',
    inactive: 'Không dùng',
    issuer: 'Nơi phát hành',
    thisUpdate: 'Ngày phát hành',
    nextUpdate: 'Cập nhật tiếp theo',
    noNext: 'Không ghi',
    stale: 'Đã quá hạn cập nhật',
    fresh: 'Còn hiệu lực',
    noAnchors: 'Chưa có chứng thư gốc nào: mọi chữ ký sẽ bị coi là không tin cậy.',
    noCrls: 'Chưa có CRL nào.',
    staleCount: '{n} CRL đã quá hạn cập nhật.',
    anchorFile: 'Tệp chứng thư CA (PEM hoặc DER)',
    anchorFileHint: 'Một tệp PEM có thể chứa nhiều chứng thư; tất cả đều được thêm.',
    crlFile: 'Tệp CRL (PEM hoặc DER)',
    crlFileHint: 'Tệp .crl do CA phát hành; một tệp PEM có thể chứa nhiều CRL.',
    addAnchor: 'Thêm chứng thư gốc',
    addCrl: 'Tải lên CRL',
    chooseFile: 'Vui lòng chọn một tệp.',
    uploadingAnchor: 'Đang tải lên chứng thư gốc',
    uploadingCrl: 'Đang tải lên CRL',
    anchorsAdded: 'Đã thêm {n} chứng thư gốc: {subjects}',
    crlsAdded: 'Đã thêm {n} CRL: {issuers}',
  },
  en: {
    title: 'Trust anchors and revocation lists',
    intro: 'A digital signature is trusted only when its chain leads to one of the trust anchors below and is not on a revocation list (CRL).',
    anchors: 'Trust anchors',
    anchorsHint: 'For example the Government Cipher Committee’s root CA.',
    crls: 'Certificate revocation lists (CRLs)',
    crlsHint: 'A CRL past its next update is flagged in amber: upload a fresh one.',
    subject: 'Subject',
    fingerprint: 'SHA-256 fingerprint',
    state: 'State',
    added: 'Added',
    active: 'Trusted',
    inactive: 'Not used',
    issuer: 'Issuer',
    thisUpdate: 'Issued',
    nextUpdate: 'Next update',
    noNext: 'Not stated',
    stale: 'Past its next update',
    fresh: 'Current',
    noAnchors: 'No trust anchor yet: every signature will be untrusted.',
    noCrls: 'No CRLs yet.',
    staleCount: '{n} CRL(s) past their next update.',
    anchorFile: 'CA certificate file (PEM or DER)',
    anchorFileHint: 'A PEM file may hold several certificates; all are added.',
    crlFile: 'CRL file (PEM or DER)',
    crlFileHint: 'The .crl file published by the CA; a PEM file may hold several CRLs.',
    addAnchor: 'Add trust anchor',
    addCrl: 'Upload CRL',
    chooseFile: 'Please choose a file.',
    uploadingAnchor: 'Uploading the trust anchor',
    uploadingCrl: 'Uploading the CRL',
    anchorsAdded: 'Added {n} trust anchor(s): {subjects}',
    crlsAdded: 'Added {n} CRL(s): {issuers}',
  },
});

interface TrustAnchor {
  id: string;
  fingerprintSha256: string;
  subject: string;
  active: boolean;
  createdAt: string;
}

interface Crl {
  id: string;
  issuer: string;
  thisUpdate: string;
  nextUpdate: string | null;
  createdAt: string;
}

export default async function trustPage(ctx: PageContext): Promise<Node> {
  ctx.setTitle(t('title'));
  const anchorsBody = h('div', { 'data-testid': 'trust-anchors' });
  const crlsBody = h('div', { 'data-testid': 'crls' });

  const loadAnchors = async () => {
    try {
      replace(anchorsBody, anchorsTable(await ctx.api.get<TrustAnchor[]>('/admin/trust-anchors')));
    } catch (e) {
      replace(anchorsBody, errorNotice(e));
    }
  };
  const loadCrls = async () => {
    try {
      replace(crlsBody, ...crlsTable(await ctx.api.get<Crl[]>('/admin/crls')));
    } catch (e) {
      replace(crlsBody, errorNotice(e));
    }
  };

  const anchorForm = uploadForm(ctx, {
    label: t('anchorFile'),
    hint: t('anchorFileHint'),
    accept: '.pem,.cer,.crt,.der,application/x-pem-file,application/pkix-cert,application/x-x509-ca-cert',
    button: t('addAnchor'),
    action: 'upload-trust-anchor',
    testid: 'trust-anchor-upload',
    progress: t('uploadingAnchor'),
    path: '/admin/trust-anchors',
    done: async (added: TrustAnchor[]) => {
      await loadAnchors();
      return t('anchorsAdded', { n: added.length, subjects: added.map((a) => a.subject).join('; ') });
    },
  });
  const crlForm = uploadForm(ctx, {
    label: t('crlFile'),
    hint: t('crlFileHint'),
    accept: '.crl,.pem,.der,application/pkix-crl,application/x-pem-file',
    button: t('addCrl'),
    action: 'upload-crl',
    testid: 'crl-upload',
    progress: t('uploadingCrl'),
    path: '/admin/crls',
    done: async (added: Crl[]) => {
      await loadCrls();
      return t('crlsAdded', { n: added.length, issuers: added.map((c) => c.issuer).join('; ') });
    },
  });

  await Promise.all([loadAnchors(), loadCrls()]);

  return h(
    'section',
    { 'aria-labelledby': 'trust-title', 'data-testid': 'admin-trust' },
    h('h1', { id: 'trust-title' }, t('title')),
    h('p', { class: 'muted' }, t('intro')),
    h('section', { 'aria-labelledby': 'anchors-title', class: 'admin-block' }, h('h2', { id: 'anchors-title' }, t('anchors')), h('p', { class: 'hint' }, t('anchorsHint')), anchorsBody, anchorForm),
    h('section', { 'aria-labelledby': 'crls-title', class: 'admin-block' }, h('h2', { id: 'crls-title' }, t('crls')), h('p', { class: 'hint' }, t('crlsHint')), crlsBody, crlForm),
  );
}

function uploadForm<T>(
  ctx: PageContext,
  o: { label: string; hint: string; accept: string; button: string; action: string; testid: string; progress: string; path: string; done: (added: T[]) => Promise<string> },
): HTMLElement {
  const file = h('input', { type: 'file', accept: o.accept });
  const f = field(o.label, file, { hint: o.hint });
  const progress = progressBar(o.progress);
  const messages = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-action': o.action }, o.button);
  const form = h('form', { class: 'inline-upload', novalidate: true, 'data-testid': o.testid }, f.wrap, h('div', { class: 'actions' }, submit), progress.el, messages);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    showFieldError(f, null);
    replace(messages);
    const chosen = file.files?.[0];
    if (!chosen) {
      showFieldError(f, t('chooseFile'));
      file.focus();
      return;
    }
    const body = new FormData();
    body.append('file', chosen, chosen.name);
    submit.disabled = true;
    progress.update(0, chosen.size);
    try {
      const added = await ctx.api.upload<T[]>(o.path, body, { onProgress: (l, total) => progress.update(l, total) });
      file.value = '';
      replace(messages, notice('ok', await o.done(added)));
    } catch (err) {
      const msg = Object.values(fieldErrorsOf(err))[0];
      if (msg) showFieldError(f, msg);
      replace(messages, errorNotice(err));
    } finally {
      progress.done();
      submit.disabled = false;
    }
  });
  return form;
}

function anchorsTable(anchors: TrustAnchor[]): HTMLElement {
  if (!anchors.length) return h('div', { class: 'notice notice-warn', role: 'status' }, h('p', {}, t('noAnchors')));
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'list', 'data-testid': 'trust-anchor-table' },
      tableHead([t('subject'), t('fingerprint'), t('state'), t('added')], { hideNarrow: [3] }),
      h(
        'tbody',
        {},
        ...anchors.map((a) =>
          h(
            'tr',
            { 'data-fingerprint': a.fingerprintSha256, 'data-active': String(a.active) },
            h('td', { class: 'wrap-anywhere' }, a.subject),
            h('td', {}, h('code', { title: a.fingerprintSha256, class: 'fingerprint' }, groupHex(a.fingerprintSha256))),
            h('td', {}, h('span', { class: `state ${a.active ? 'state-on' : 'state-off'}` }, a.active ? t('active') : t('inactive'))),
            h('td', { class: 'hide-narrow' }, formatDateTime(a.createdAt)),
          ),
        ),
      ),
    ),
  );
}

function crlsTable(crls: Crl[]): HTMLElement[] {
  if (!crls.length) return [h('p', { class: 'muted' }, t('noCrls'))];
  const now = Date.now();
  const isStale = (c: Crl) => c.nextUpdate !== null && new Date(c.nextUpdate).getTime() < now;
  const stale = crls.filter(isStale).length;
  const sorted = [...crls].sort((a, b) => a.issuer.localeCompare(b.issuer) || b.thisUpdate.localeCompare(a.thisUpdate));
  const out: HTMLElement[] = [];
  if (stale) out.push(h('div', { class: 'notice notice-warn', role: 'status', 'data-testid': 'crl-stale-warning' }, h('p', {}, `⚠ ${t('staleCount', { n: stale })}`)));
  out.push(
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'list', 'data-testid': 'crl-table' },
        tableHead([t('issuer'), t('thisUpdate'), t('nextUpdate'), t('state'), t('added')], { hideNarrow: [4] }),
        h(
          'tbody',
          {},
          ...sorted.map((c) => {
            const old = isStale(c);
            return h(
              'tr',
              { 'data-crl-id': c.id, 'data-stale': String(old), class: old ? 'crl-stale' : null },
              h('td', { class: 'wrap-anywhere' }, c.issuer),
              h('td', {}, formatDateTime(c.thisUpdate)),
              h('td', {}, c.nextUpdate ? formatDateTime(c.nextUpdate) : t('noNext')),
              h('td', {}, h('span', { class: `state ${old ? 'state-warn' : 'state-on'}` }, old ? `⚠ ${t('stale')}` : t('fresh'))),
              h('td', { class: 'hide-narrow' }, formatDateTime(c.createdAt)),
            );
          }),
        ),
      ),
    ),
  );
  return out;
}

/** "AB:CD:EF…" in two lines' worth of groups, so fingerprints can be compared by eye. */
function groupHex(hex: string): string {
  const clean = hex.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return (clean.match(/../g) ?? []).join(':');
}
