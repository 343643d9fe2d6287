/**
 * Preload for a child process (`node --import <this file> bin/run.js …`): records every attempt
 * to reach the network — a socket connecting to a host and port, a DNS lookup, a UDP send — and
 * at exit appends them one per line to $DEVTRACE_NETWORK_TRACE (an empty file: none), so the node
 * processes a traced one starts (NODE_OPTIONS=--import) add theirs to the same file. Connections
 * to a Unix socket path (the daemon's) are local and not recorded. HTTP, HTTPS, TLS and fetch all
 * end in net.Socket's connect, so patching it sees them whichever module asked.
 */
import dgram from 'node:dgram'
import dns from 'node:dns'
import {appendFileSync} from 'node:fs'
import net from 'node:net'

const out = process.env.DEVTRACE_NETWORK_TRACE
const attempts = []

const {connect} = net.Socket.prototype
net.Socket.prototype.connect = function (...args) {
  const [first] = args
  const target = Array.isArray(first) ? first[0] : first
  const isPath = typeof target === 'string' ? !/^\d+$/.test(target) : typeof target?.path === 'string'
  if (!isPath) attempts.push(`connect ${JSON.stringify(typeof target === 'object' ? {host: target.host, port: target.port} : args.slice(0, 2))}`)
  return connect.apply(this, args)
}

const {lookup} = dns
dns.lookup = function (host, ...rest) {
  attempts.push(`dns.lookup ${host}`)
  return lookup.call(this, host, ...rest)
}

const lookupPromise = dns.promises.lookup
dns.promises.lookup = function (host, ...rest) {
  attempts.push(`dns.promises.lookup ${host}`)
  return lookupPromise.call(this, host, ...rest)
}

const {send} = dgram.Socket.prototype
dgram.Socket.prototype.send = function (...args) {
  attempts.push('dgram.send')
  return send.apply(this, args)
}

process.once('exit', () => {
  if (out) appendFileSync(out, attempts.map(attempt => attempt + '\n').join(''))
})
