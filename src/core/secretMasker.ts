/**
 * Keeps known secrets (the Slack webhook URL, tokens) out of step output, logs and failure
 * reports, as GitHub Actions masks its secrets: every occurrence becomes `***`. Output is masked
 * a whole line at a time, so a secret split across two chunks of a stream is still caught.
 */
export class SecretMasker {
  private pending = '';
  private readonly secrets: string[];

  /** Values shorter than 6 characters are not masked: they would mangle ordinary output. */
  constructor(secrets: readonly string[]) {
    this.secrets = [...new Set(secrets.filter((s) => s.length >= 6))].sort((a, b) => b.length - a.length);
  }

  /** Returns the part of the stream that is safe to show now; a partial last line waits. */
  write(text: string): string {
    if (this.secrets.length === 0) return text;
    const all = this.pending + text;
    const cut = all.lastIndexOf('\n') + 1;
    // A long partial line (a progress bar) is released once it is clearly longer than any secret.
    const holdFrom = cut === 0 && all.length > 8192 ? all.length : cut;
    this.pending = all.slice(holdFrom);
    return this.mask(all.slice(0, holdFrom));
  }

  /** The rest of the stream, at its end. */
  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return this.mask(rest);
  }

  mask(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join('***');
    return out;
  }
}
