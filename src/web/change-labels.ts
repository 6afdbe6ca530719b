// What a change after signing is, in words (the `kind` codes of src/pades/diff/kinds.ts). The
// report's own description follows in small print; object numbers are only in that detail.
// Kept apart from the report view (no DOM) so a test can check that every kind has a label.

type Pair = readonly [vi: string, en: string];

export const CHANGE_KINDS: Record<string, Pair> = {
  // file structure
  'xref-stream': ['Bảng tham chiếu chéo mới', 'New cross-reference section'],
  'object-stream': ['Luồng đối tượng mới', 'New object stream'],
  'object-malformed': ['Đối tượng hỏng, không đọc được', 'An object cannot be read'],
  'object-added': ['Thêm đối tượng', 'Object added'],
  'object-added-unreferenced': ['Thêm đối tượng không được dùng', 'Unused object added'],
  'object-changed': ['Đối tượng bị sửa', 'Object changed'],
  'object-deleted': ['Đối tượng bị xóa', 'Object deleted'],
  'reference-filled': ['Đối tượng còn thiếu lúc ký nay được thêm vào', 'An object missing when signed is now defined'],
  'trailer-changed': ['Phần cuối tệp bị sửa', 'File trailer changed'],
  'trailing-bytes': ['Có dữ liệu lạ sau phần cuối tệp', 'Data after the end of the file'],
  // catalog and metadata
  'catalog-changed': ['Danh mục văn bản thay đổi', 'Document catalog changed'],
  'catalog-acroform': ['Danh mục trỏ tới biểu mẫu mới', 'Catalog points to an updated form'],
  'catalog-extensions': ['Khai báo phần mở rộng PDF', 'PDF extensions declared'],
  'catalog-version': ['Nâng phiên bản PDF', 'PDF version raised'],
  'metadata-info': ['Thông tin mô tả văn bản', 'Document information'],
  'metadata-xmp': ['Siêu dữ liệu XMP', 'XMP metadata'],
  // DSS and document timestamps
  'dss-added': ['Thêm dữ liệu kiểm tra chứng thư (DSS)', 'Validation data (DSS) added'],
  'dss-updated': ['Cập nhật dữ liệu kiểm tra chứng thư (DSS)', 'Validation data (DSS) updated'],
  'document-timestamp-added': ['Thêm dấu thời gian cho văn bản', 'A document timestamp was added'],
  // signatures and their widgets
  'signature-added': ['Thêm chữ ký số', 'A signature was added'],
  'signature-field-added': ['Thêm trường chữ ký', 'A signature field was added'],
  'signature-field-filled': ['Ký vào trường chữ ký có sẵn', 'An existing signature field was signed'],
  'signature-widget-added': ['Thêm hình hiển thị chữ ký', 'A signature widget was added'],
  'signature-appearance': ['Hình hiển thị chữ ký', 'Signature appearance'],
  'signature-changed': ['Chữ ký đã có bị thay đổi', 'An existing signature was changed'],
  'signature-removed': ['Chữ ký bị gỡ khỏi văn bản', 'The signature was removed'],
  'signature-dictionary-misplaced': ['Chữ ký giả mạo: vùng được ký không phải của chữ ký này', 'Forged signature: the signed range is not this signature\'s own'],
  'signature-replayed': ['Chữ ký bị sao chép lại (phát lại)', 'A signature was copied again (replayed)'],
  'unsigned-field-appearance': ['Trường chưa ký vẽ đè lên trang (có thể che nội dung đã ký)', 'An unsigned field paints over the page (it can hide signed content)'],
  // form filling
  'acroform-created': ['Tạo biểu mẫu', 'Form created'],
  'acroform-changed': ['Biểu mẫu thay đổi', 'Form changed'],
  'acroform-fields-extended': ['Thêm trường vào biểu mẫu', 'Fields added to the form'],
  'acroform-fields-reordered': ['Đổi thứ tự các trường biểu mẫu', 'Form fields reordered'],
  'acroform-default-appearance': ['Kiểu hiển thị mặc định của biểu mẫu', 'Form default appearance'],
  'acroform-dr-font-added': ['Thêm phông chữ cho biểu mẫu', 'Form font added'],
  'acroform-dr-changed': ['Thêm tài nguyên cho biểu mẫu', 'Form resources added'],
  'acroform-sigflags': ['Cờ chữ ký của biểu mẫu', 'Form signature flags'],
  'acroform-need-appearances': ['Cờ hiển thị biểu mẫu', 'Form appearance flag'],
  'field-added': ['Thêm trường biểu mẫu', 'A form field was added'],
  'field-changed': ['Trường biểu mẫu bị sửa', 'A form field was changed'],
  'field-removed': ['Xóa trường biểu mẫu', 'A form field was removed'],
  'form-filled': ['Điền biểu mẫu', 'A form was filled in'],
  'form-appearance': ['Hình hiển thị biểu mẫu', 'Form appearance'],
  // annotations and pages
  'annotation-added': ['Thêm chú thích', 'An annotation was added'],
  'annotation-changed': ['Chú thích thay đổi', 'An annotation was changed'],
  'annotation-removed': ['Xóa chú thích', 'An annotation was removed'],
  'page-annots-extended': ['Trang có thêm chú thích', 'Annotations added to a page'],
  'page-content-changed': ['Nội dung trang bị sửa', 'Page content changed'],
  'page-resources-changed': ['Tài nguyên trang bị sửa', 'Page resources changed'],
  'page-tree-changed': ['Cấu trúc trang bị sửa', 'Page tree changed'],
  // DocMDP / FieldMDP
  'field-locked': ['Sửa trường đã bị chữ ký khóa', 'A field locked by a signature was changed'],
};

/** The label of a change kind in the reader's language, or undefined for an unknown kind. */
export function changeLabel(kind: string, lang: 'vi' | 'en'): string | undefined {
  const p = CHANGE_KINDS[kind];
  return p ? p[lang === 'vi' ? 0 : 1] : undefined;
}
