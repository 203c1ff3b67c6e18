/**
 * Tests that drive real third-party tools (sigrok-cli, socat, mosquitto, influxd) call
 * `requireSystemTool` first: it returns the tool's path, installs the Debian package when the
 * tool is missing and we are root (as in CI), and otherwise fails with the exact command to run.
 */
import { execFileSync } from 'node:child_process';

function which(bin: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function requireSystemTool(bin: string, aptPackage: string): string {
  if (!/^[a-z0-9.+-]+$/.test(bin) || !/^[a-z0-9.+-]+$/.test(aptPackage)) throw new Error(`bad tool name ${bin}/${aptPackage}`);
  const found = which(bin);
  if (found) return found;
  if (process.getuid?.() !== 0) throw new Error(`missing ${bin}: run 'sudo apt-get install -y ${aptPackage}'`);
  const install = () => execFileSync('apt-get', ['install', '-y', '-qq', aptPackage], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  try {
    install();
  } catch {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    install();
  }
  const after = which(bin);
  if (!after) throw new Error(`installed ${aptPackage} but ${bin} is still not on PATH`);
  return after;
}
