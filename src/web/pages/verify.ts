// Verify a PDF: anyone signed in drops a signed PDF and reads the verification report, one card per
// signature. Nothing is stored (POST /verify keeps no file, no document, no log entry). A clerk also
// sees whether their agency could send the file on the axis (the Decree 30 signature checks).
import { pdfDrop } from '../components/pdf-drop.js';
import { h } from '../dom.js';
import { defineMessages } from '../i18n.js';
import type { PageContext } from '../router.js';

const t = defineMessages({
  vi: {
    title: 'Kiểm tra chữ ký số',
    intro: 'Kiểm tra tính xác thực và toàn vẹn của một văn bản điện tử PDF: từng chữ ký số, chứng thư của người ký, thời gian ký và các thay đổi sau khi ký.',
    nothingStored: 'Tệp chỉ được dùng để kiểm tra: trục không lưu tệp, không tạo văn bản và không ghi nhật ký.',
    clerk: 'Với văn thư, kết quả cho biết cơ quan {agency} có thể gửi văn bản này lên trục hay không (chữ ký của người có thẩm quyền và chữ ký số của cơ quan theo Nghị định 30/2020).',
    send: 'Gửi văn bản',
  },
  en: {
    title: 'Verify a signed PDF',
    intro: 'Check the authenticity and integrity of an electronic PDF document: each digital signature, the signer’s certificate, the signing time and any change after signing.',
    nothingStored: 'The file is only checked: the axis stores no file, creates no document and writes no log entry.',
    clerk: 'For a clerk, the result also says whether {agency} could send this document on the axis (the competent signer’s signature and the agency’s seal signature, Decree 30/2020).',
    send: 'Send a document',
  },
});

export default async function verifyPage(ctx: PageContext): Promise<Node> {
  ctx.setTitle(t('title'));
  const isClerk = ctx.me.user.role === 'clerk';
  const drop = pdfDrop(ctx.api);
  return h(
    'section',
    { 'aria-labelledby': 'verify-title', 'data-testid': 'verify-page', class: 'verify-page' },
    h('h1', { id: 'verify-title' }, t('title')),
    h('p', {}, t('intro')),
    h('div', { class: 'notice notice-info', 'data-testid': 'nothing-stored' }, h('p', {}, h('strong', {}, t('nothingStored')))),
    isClerk ? h('p', { class: 'muted' }, t('clerk', { agency: `${ctx.me.agency.name} (${ctx.me.agency.code})` }), ' ', h('a', { href: '#/send' }, t('send'))) : null,
    drop.el,
  );
}
