/**
 * Ctrl-C while a command runs: the first press calls `stop` (finish what is in flight, then report), a second
 * press calls `now` (delete temporary folders) and exits with 130. Returns a function that uninstalls it.
 */
export function handleInterrupt(
  stop: () => void,
  now: () => void,
  what = 'finishing the records already sent',
): () => void {
  let presses = 0;
  const onSignal = () => {
    presses += 1;
    if (presses === 1) {
      process.stderr.write(`\nctr: stopping: ${what} (Ctrl-C again to stop at once)\n`);
      stop();
      return;
    }
    process.stderr.write('ctr: stopped at once; temporary folders removed, the run is incomplete\n');
    now();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
