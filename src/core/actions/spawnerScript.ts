/**
 * The run's process spawner: a long-lived Perl (part of every Debian and macOS base system) that
 * starts each shell step for the engine. Node's `spawn` forks the whole Node process on the main
 * thread, which on a virtual machine costs milliseconds per step and serializes a fan-out; a
 * small process forks cheaply, off Node's thread, and execs the command directly.
 *
 * Requests arrive on stdin, one field per line, every field escaped (`\\` for a backslash, `\n`
 * for a newline), so no field can start another line; nothing in a field is ever evaluated:
 *
 *   f <dir> <from> <to>                                 make FIFOs <dir>/o<k> and <dir>/e<k>, from ≤ k < to
 *   r <id> <file> <cwd> <stdout> <stderr> <groupFile> <nEnv> <env…> <nArgs> <args…>
 *                                                       run <file> <args…> as the leader of a new session,
 *                                                       its process group id written to <groupFile> (if not empty)
 *
 * `<env…>` are `NAME=value` to set or `-NAME` to unset, applied over the spawner's own
 * environment. Replies, on stdout, one line each: `f <status>`, `p <id> <pid>` (started; the pid is
 * its process group id), `x <id> <status>` (ended; 128 + n when killed by signal n), `c <id>` (its
 * cwd is not a directory). Each command gets a waiter of its own, a fork of the spawner that forks
 * the command, reports it and waits for it: no signal handler decides whose exit is whose (Perl
 * runs a handler at the next statement, whatever the mask, so a handler in the spawner could reap
 * a command it had not yet filed), and what was started still reports if the spawner itself is
 * killed. The command gets every signal at its default and none blocked, as Node's `spawn` gives.
 */
export const spawnerScript = String.raw`
use strict; use warnings; no warnings 'exec';
use POSIX (); use Fcntl (); use File::Path ();
$| = 1;
my $dir;
my @signals = grep { $_ ne 'ZERO' } keys %SIG;
$SIG{CHLD} = 'IGNORE'; # the waiters: the kernel reaps them
sub field { my $l = <STDIN>; exit 0 unless defined $l; chomp $l; $l =~ s/\\(n|\\)/$1 eq 'n' ? "\n" : "\\"/ge; $l }
sub launch {
  my ($id, $file, $cwd, $out, $err, $group) = map { field() } 1 .. 6;
  my @env = map { field() } 1 .. field();
  my @args = map { field() } 1 .. field();
  my $waiter = fork();
  if (!defined $waiter) { print "x $id 126\n"; return }
  return if $waiter;
  # The waiter: reads no requests, so a write to a dead spawner fails rather than waiting here.
  open STDIN, '<', '/dev/null';
  $SIG{CHLD} = 'DEFAULT';
  my $pid = fork();
  if (!defined $pid) { print "x $id 126\n"; POSIX::_exit(0) }
  if ($pid == 0) {
    chdir $cwd or do { print "c $id\n"; POSIX::_exit(0) };
    for (@env) { if (/^-(.*)$/s) { delete $ENV{$1} } else { my ($k, $v) = split /=/, $_, 2; $ENV{$k} = $v } }
    POSIX::setsid();
    $SIG{$_} = 'DEFAULT' for @signals;
    POSIX::sigprocmask(POSIX::SIG_SETMASK(), POSIX::SigSet->new);
    open STDOUT, '>', $out; open STDERR, '>', $err;
    exec { $file } $file, @args;
    POSIX::_exit(127);
  }
  # Written here, not by Baton: it holds even if Baton is killed before it reads the reply.
  if ($group ne '' && sysopen my $g, $group, Fcntl::O_WRONLY() | Fcntl::O_CREAT() | Fcntl::O_TRUNC(), 0600) { print $g $pid; close $g }
  print "p $id $pid\n";
  waitpid($pid, 0);
  my $code = ($? & 127) ? 128 + ($? & 127) : $? >> 8;
  print "x $id $code\n";
  POSIX::_exit(0);
}
sub fifos {
  $dir = field(); my $from = field(); my $to = field();
  my $ok = 1;
  for my $k ($from .. $to - 1) { for my $name ("o$k", "e$k") { POSIX::mkfifo("$dir/$name", 0600) or $ok = 0 } }
  print 'f ', ($ok ? 0 : 1), "\n";
}
while (defined(my $kind = <STDIN>)) {
  chomp $kind;
  if ($kind eq 'r') { launch() } elsif ($kind eq 'f') { fifos() }
}
# Baton closed its end (or died): the FIFOs go; running steps keep theirs open until they end.
File::Path::remove_tree($dir) if defined $dir;
`;
