/**
 * Preload for a child process (`node --import <this file> bin/run.js …`): records the URL of every
 * ES module the process resolves and, at exit, writes them one per line to
 * $DEVTRACE_MODULE_TRACE. Used to check that quick commands do not load heavy packages.
 */
import {writeFileSync} from 'node:fs'
import {register} from 'node:module'
import {MessageChannel} from 'node:worker_threads'

const out = process.env.DEVTRACE_MODULE_TRACE
const urls = []
const {port1, port2} = new MessageChannel()
port1.on('message', url => urls.push(url))
port1.unref()
const hooks = `
let port
export function initialize(data) { port = data.port }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  port.postMessage(result.url)
  return result
}`
register(`data:text/javascript,${encodeURIComponent(hooks)}`, {data: {port: port2}, transferList: [port2]})
process.once('exit', () => {
  if (out) writeFileSync(out, urls.join('\n') + '\n')
})
