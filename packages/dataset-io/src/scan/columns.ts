// Column names of CSV manifests, most specific first (ESC-50: filename/category/fold/src_file;
// UrbanSound8K: slice_file_name/class/fold/fsID).
export const PATH_COLUMNS = ['path', 'filepath', 'file_path', 'file', 'filename', 'file_name', 'fname', 'slice_file_name', 'audio', 'wav'];
export const LABEL_COLUMNS = ['label', 'class', 'category', 'class_name', 'classname', 'word', 'target', 'classID', 'class_id'];
export const FOLD_COLUMNS = ['fold'];
export const GROUP_COLUMNS = ['group', 'speaker', 'speaker_id', 'fsID', 'src_file', 'source', 'recording', 'recording_id'];

/** The first of `candidates` the header has. */
export function pickColumn(header: readonly string[], candidates: readonly string[]): string | undefined {
  return candidates.find((c) => header.includes(c));
}
