/**
 * The run's process spawner: a long-lived `/bin/sh` that starts each shell step for the engine.
 * Node's `spawn` forks the whole Node process on the main thread, which on a virtual machine costs
 * milliseconds per step and serializes a fan-out; a small shell forks cheaply, off Node's thread.
 *
 * Requests arrive on stdin, one field per line, every field escaped (`\\` for a backslash, `\n`
 * for a newline), so no field can start another line and nothing in one is ever evaluated:
 *
 *   f <dir> <from> <to>                                 make FIFOs <dir>/o<k> and <dir>/e<k>, from ≤ k < to
 *   r <id> <file> <cwd> <stdout> <stderr> <groupFile> <nEnv> <env…> <nArgs> <args…>
 *                                                       run <file> <args…> as the leader of a new session,
 *                                                       its process group id written to <groupFile> (if not empty)
 *
 * `<env…>` are `NAME=value` to export or `-NAME` to unset, applied over the spawner's own
 * environment. Replies, on stdout, one line each: `f <status>`, `p <id> <pid>` (started; the pid is
 * its process group id), `x <id> <status>` (ended; 128 + n when killed by signal n), `c <id>` (its
 * cwd is not a directory). Shell variables are prefixed so they cannot clobber an exported name;
 * `$1` is the path of util-linux `setsid`.
 */
export const spawnerScript = [
  '__baton_setsid=$1',
  '# A command in the background of a shell without job control ignores SIGINT and SIGQUIT, and',
  '# would pass that on: env(1) sets every signal back to its default, as Node spawn does.',
  '__baton_env=$(command -v env)',
  '"$__baton_env" --default-signal true 2>/dev/null || __baton_env=',
  '__baton_nl=\'\n\'',
  '__baton_decode() {',
  '  __baton_rest=$1 __baton_v=',
  '  while :; do',
  '    case $__baton_rest in',
  '      *\\\\*)',
  '        __baton_v="$__baton_v${__baton_rest%%\\\\*}"',
  '        __baton_rest=${__baton_rest#*\\\\}',
  '        case $__baton_rest in n*) __baton_v="$__baton_v$__baton_nl" ;; *) __baton_v="$__baton_v\\\\" ;; esac',
  '        __baton_rest=${__baton_rest#?} ;;',
  '      *) __baton_v="$__baton_v$__baton_rest"; break ;;',
  '    esac',
  '  done',
  '}',
  '__baton_field() { IFS= read -r __baton_line || exit 0; case $__baton_line in *\\\\*) __baton_decode "$__baton_line"; __baton_line=$__baton_v ;; esac; }',
  '__baton_run() {',
  '  __baton_field; __baton_id=$__baton_line',
  '  __baton_field; __baton_file=$__baton_line',
  '  __baton_field; __baton_cwd=$__baton_line',
  '  __baton_field; __baton_out=$__baton_line',
  '  __baton_field; __baton_err=$__baton_line',
  '  __baton_field; __baton_group=$__baton_line',
  '  set --',
  '  __baton_field; __baton_k=$__baton_line',
  '  while [ "$__baton_k" -gt 0 ]; do __baton_field; set -- "$@" "$__baton_line"; __baton_k=$((__baton_k - 1)); done',
  '  __baton_field; __baton_nargs=$__baton_line; __baton_k=$__baton_nargs',
  '  while [ "$__baton_k" -gt 0 ]; do __baton_field; set -- "$@" "$__baton_line"; __baton_k=$((__baton_k - 1)); done',
  '  (',
  '    cd "$__baton_cwd" 2>/dev/null || { echo "c $__baton_id"; exit 0; }',
  '    # cd changed PWD and OLDPWD: the environment below says what the step sees.',
  '    while [ "$#" -gt "$__baton_nargs" ]; do',
  '      case $1 in -*) unset "${1#-}" ;; *) export "$1" ;; esac',
  '      shift',
  '    done',
  '    if [ -n "$__baton_env" ]; then',
  '      "$__baton_setsid" "$__baton_env" --default-signal "$__baton_file" "$@" </dev/null >"$__baton_out" 2>"$__baton_err" &',
  '    else',
  '      "$__baton_setsid" "$__baton_file" "$@" </dev/null >"$__baton_out" 2>"$__baton_err" &',
  '    fi',
  '    # Written here, not by Baton: it holds even if Baton is killed before it reads the reply.',
  '    [ -z "$__baton_group" ] || echo $! >"$__baton_group"',
  '    echo "p $__baton_id $!"',
  '    wait $!',
  '    echo "x $__baton_id $?"',
  '  ) &',
  '}',
  '__baton_fifos() {',
  '  __baton_field; __baton_dir=$__baton_line',
  '  __baton_field; __baton_k=$__baton_line',
  '  __baton_field; __baton_to=$__baton_line',
  '  set --',
  '  while [ "$__baton_k" -lt "$__baton_to" ]; do set -- "$@" "$__baton_dir/o$__baton_k" "$__baton_dir/e$__baton_k"; __baton_k=$((__baton_k + 1)); done',
  '  mkfifo -m 600 "$@"',
  '  echo "f $?"',
  '}',
  'while IFS= read -r __baton_kind; do',
  '  case $__baton_kind in',
  '    r) __baton_run ;;',
  '    f) __baton_fifos ;;',
  '  esac',
  'done',
  '# Baton closed its end (or died): the FIFOs go; running steps keep theirs open until they end.',
  '[ -z "$__baton_dir" ] || rm -rf "$__baton_dir"',
].join('\n');
