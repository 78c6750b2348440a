import pino, { type Logger } from 'pino';
import type { LogLevel } from './config.js';

/** Credentials never reach a log line: headers, cookies and body secrets are redacted. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.tfa_secret',
  '*.otp',
];

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}

type LogMethod = (...args: unknown[]) => void;
type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
interface ChildCapable {
  level: string;
  isLevelEnabled?(level: string): boolean;
  child(bindings: Record<string, unknown>, options?: object): ChildCapable;
}

/**
 * The per-request logger (bound to the request id), made only when the request logs something at
 * an enabled level. Pino's child() serialises and redacts its bindings every time, which costs
 * more than a cached answer itself, and most requests at the default level log nothing.
 */
export class LazyChildLogger {
  #parent: ChildCapable;
  #bindings: Record<string, unknown>;
  #options: object;
  #child: ChildCapable | undefined;

  constructor(parent: ChildCapable, bindings: Record<string, unknown>, options: object) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  #real(): ChildCapable {
    return (this.#child ??= this.#parent.child(this.#bindings, this.#options));
  }

  #log(level: Level, args: unknown[]): void {
    const target = this.#child ?? this.#parent;
    if (target.isLevelEnabled ? !target.isLevelEnabled(level) : false) return;
    const real = this.#real() as unknown as Record<Level, LogMethod>;
    real[level].apply(real, args);
  }

  get level(): string {
    return (this.#child ?? this.#parent).level;
  }
  set level(value: string) {
    this.#real().level = value;
  }
  isLevelEnabled(level: string): boolean {
    const target = this.#child ?? this.#parent;
    return target.isLevelEnabled ? target.isLevelEnabled(level) : true;
  }
  fatal(...args: unknown[]): void {
    this.#log('fatal', args);
  }
  error(...args: unknown[]): void {
    this.#log('error', args);
  }
  warn(...args: unknown[]): void {
    this.#log('warn', args);
  }
  info(...args: unknown[]): void {
    this.#log('info', args);
  }
  debug(...args: unknown[]): void {
    this.#log('debug', args);
  }
  trace(...args: unknown[]): void {
    this.#log('trace', args);
  }
  silent(): void {}
  child(bindings: Record<string, unknown>, options?: object): ChildCapable {
    return this.#real().child(bindings, options);
  }
}
