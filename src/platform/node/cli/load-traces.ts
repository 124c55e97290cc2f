import { readFile } from 'node:fs/promises';

/** What {@link loadTraceFile} sent. */
export interface LoadResult {
  /** Requests the receiver accepted. */
  requests: number;
}

/**
 * Reads a file of saved traces and posts it to a receiver's `/v1/traces`, as an exporter would: one
 * OTLP/JSON `ExportTraceServiceRequest` (what the viewer's download button saves), a JSON array of them,
 * or JSON lines of them (what the Collector's file exporter writes). Rejects with a message naming the
 * file and the line when something does not read or the receiver refuses it.
 *
 * @example
 * ```ts
 * await loadTraceFile('trace-4bf9.json', receiver.tracesUrl);
 * ```
 */
export async function loadTraceFile(file: string, tracesUrl: string): Promise<LoadResult> {
  const text = await readFile(file, 'utf8');
  const documents: { where: string; body: string }[] = [];
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    whole = undefined;
  }
  if (Array.isArray(whole)) {
    for (const [index, item] of whole.entries()) documents.push({ where: `item ${index + 1}`, body: JSON.stringify(item) });
  } else if (whole !== undefined) {
    documents.push({ where: 'the document', body: text });
  } else {
    for (const [index, line] of text.split('\n').entries()) {
      if (line.trim() === '') continue;
      try {
        JSON.parse(line);
      } catch (error) {
        throw new Error(`${file}: line ${index + 1} is not JSON (${error instanceof Error ? error.message : String(error)})`);
      }
      documents.push({ where: `line ${index + 1}`, body: line });
    }
  }
  if (documents.length === 0) throw new Error(`${file}: no traces in it`);
  for (const { where, body } of documents) {
    const response = await fetch(tracesUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    if (!response.ok) throw new Error(`${file}: ${where} was refused (${response.status}): ${(await response.text()).trim()}`);
  }
  return { requests: documents.length };
}
