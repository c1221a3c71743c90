import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

import { isPlatformError } from '#platform/errors.ts';
import { SECRET_NAME_PATTERN } from '#metadata/schema.ts';
import { parseDuration } from './parseDuration.ts';
import { parseNodeFprocess } from './parseNodeFprocess.ts';
import { parseSchedule } from '#platform/cron/parseSchedule.ts';
import type { Stack } from './parseStack.ts';

/** OpenFaaS CE (and so faasd) serves at most this many functions. */
export const MAX_FUNCTIONS = 15;
/** faasd's gateway and provider stop waiting for a function after 60 s. */
export const MAX_TIMEOUT_MS = 60_000;

const TIMEOUT_KEYS = ['read_timeout', 'write_timeout', 'exec_timeout'] as const;

export type ValidateStackOptions = {
  /** Folder the stack file is in; handler and copy paths are relative to it. */
  readonly stackDir: string;
  /** The template folder faas-cli looks in. Default <stackDir>/template. */
  readonly templateDir?: string;
  /** Also check what only an image build needs (configuration.copy, memory limits). Default true. */
  readonly checkBuild?: boolean;
};

/**
 * Checks a parsed stack against the rules OpenFaaS and this platform need, and returns every
 * problem found (empty when the stack is fine): provider `openfaas`; at most 15 functions; each
 * function's `lang` is a template in template/ and its `handler` folder exists with a handler.ts;
 * secrets are names; `configuration.copy` brings shared/ and the package files; memory limits are
 * set; a node24-ts `fprocess` is `node [--option …] index.ts`; watchdog timeouts stay within 60 s with exec_timeout below write_timeout; cron annotations
 * pair `topic: cron-function` with a schedule the cron-connector accepts.
 */
export function validateStack(stack: Stack, options: ValidateStackOptions): string[] {
  const problems: string[] = [];
  const templateDir = options.templateDir ?? path.join(options.stackDir, 'template');
  if (stack.provider.name !== 'openfaas') {
    problems.push(`provider.name is ${JSON.stringify(stack.provider.name)}; the only provider faas-cli knows is "openfaas".`);
  }
  const names = Object.keys(stack.functions);
  if (names.length === 0) {
    problems.push('functions is empty; declare at least one function.');
  }
  if (names.length > MAX_FUNCTIONS) {
    problems.push(`${names.length} functions are declared; OpenFaaS CE (faasd) serves at most ${MAX_FUNCTIONS} — merge functions or drop some.`);
  }
  const checkBuild = options.checkBuild ?? true;
  for (const required of checkBuild ? ['./shared', './package.json', './package-lock.json'] : []) {
    if (!stack.configuration.copy.some((entry) => path.normalize(entry) === path.normalize(required))) {
      problems.push(`configuration.copy lacks ${required}; the node24-ts template needs it in the build context.`);
    }
  }
  for (const entry of stack.configuration.copy) {
    if (!existsSync(path.resolve(options.stackDir, entry))) {
      problems.push(`configuration.copy lists ${entry}, which does not exist next to the stack file.`);
    }
  }

  for (const [name, fn] of Object.entries(stack.functions)) {
    const at = `functions.${name}`;
    if (fn.lang === undefined) {
      problems.push(`${at}.lang is missing; set it to a template folder under template/ (node24-ts).`);
    } else if (fn.lang !== 'dockerfile' && !existsSync(path.join(templateDir, fn.lang, 'template.yml'))) {
      problems.push(`${at}.lang is ${fn.lang}, but template/${fn.lang}/template.yml does not exist.`);
    }
    if (fn.handler === undefined) {
      problems.push(`${at}.handler is missing; point it at the function's folder (./functions/${name}).`);
    } else {
      const folder = path.resolve(options.stackDir, fn.handler);
      if (!existsSync(folder) || !statSync(folder).isDirectory()) {
        problems.push(`${at}.handler is ${fn.handler}, which is not a folder.`);
      } else if (fn.lang === 'node24-ts' && !existsSync(path.join(folder, 'handler.ts'))) {
        problems.push(`${at}.handler folder ${fn.handler} has no handler.ts.`);
      } else if (path.basename(folder) !== name) {
        problems.push(`${at}.handler is ${fn.handler}; the folder must be named after the function (./functions/${name}).`);
      }
    }
    fn.secrets.forEach((secret, index) => {
      if (!SECRET_NAME_PATTERN.test(secret)) {
        // The entry is not echoed: when it is not a name, it may well be the secret's value.
        problems.push(`${at}.secrets[${index}] is not a secret name faas-cli accepts (lower-case letters, digits, - and ., e.g. github-token); list names created with faas-cli secret create, never values.`);
      }
    });
    const nodeOptions = fn.lang === 'node24-ts' ? parseNodeFprocess(fn.fprocess) : [];
    if (typeof nodeOptions === 'string') problems.push(`${at}.${nodeOptions}`);
    if (checkBuild && fn.limits?.memory === undefined) {
      problems.push(`${at}.limits.memory is missing; faasd runs every function on one machine, so cap each one.`);
    }
    const timeouts = new Map<string, number>();
    for (const key of TIMEOUT_KEYS) {
      const value = fn.environment[key];
      if (value === undefined) continue;
      const ms = parseDuration(value);
      if (ms === undefined) {
        problems.push(`${at}.environment.${key} is ${JSON.stringify(value)}, not a duration such as 60s.`);
      } else if (ms > MAX_TIMEOUT_MS) {
        problems.push(`${at}.environment.${key} is ${value}; faasd's gateway gives up after 60s, so keep it at or below 60s.`);
      } else {
        timeouts.set(key, ms);
      }
    }
    const exec = timeouts.get('exec_timeout');
    const write = timeouts.get('write_timeout');
    if (exec !== undefined && write !== undefined && exec >= write) {
      problems.push(`${at}.environment.exec_timeout (${fn.environment.exec_timeout}) must be below write_timeout (${fn.environment.write_timeout}) so the watchdog answers before the connection is cut.`);
    }
    const { topic, schedule } = fn.annotations;
    if (schedule !== undefined && topic !== 'cron-function') {
      problems.push(`${at}.annotations has a schedule but topic is ${JSON.stringify(topic)}; the cron-connector only fires functions with topic: cron-function.`);
    }
    if (topic === 'cron-function') {
      if (schedule === undefined) {
        problems.push(`${at}.annotations has topic: cron-function but no schedule.`);
      } else {
        try {
          parseSchedule(schedule);
        } catch (error) {
          problems.push(`${at}.annotations.schedule: ${isPlatformError(error) ? error.message : String(error)}`);
        }
      }
    }
  }
  return problems;
}
