// Preloaded into the local test Flowise (NODE_OPTIONS=--require <this file>) by testbed/local_flowise.py.
//
// Why: @langchain/core's utils/tiktoken counts tokens with encodings it fetches from
// https://tiktoken.pages.dev/js/<encoding>.json through an AsyncCaller that retries with exponential
// backoff. Offline, each fetch fails only after about a minute of retries, several times per
// prediction, so every answer took minutes. The same tables ship in the js-tiktoken package that
// Flowise installs (js-tiktoken/ranks/<encoding>), so exactly that URL is answered from there.
// Every other request goes to the real fetch untouched.
'use strict'

const path = require('path')

const TIKTOKEN_URL = /^https:\/\/tiktoken\.pages\.dev\/js\/([a-z0-9_]+)\.json(?:[?#].*)?$/

// Where js-tiktoken is resolved from: the Flowise install (node_modules/ beside it), as told by the
// script, else the folder of the started program (…/node_modules/flowise/bin/run), else cwd.
const searchFrom = [process.env.FLOWISE_LOCAL_MODULES, process.argv[1] && path.dirname(process.argv[1]), process.cwd()]
    .filter(Boolean)

const tables = new Map() // encoding name -> JSON text, built once per process

function tableFor(encoding) {
    if (!tables.has(encoding)) {
        const file = require.resolve(`js-tiktoken/ranks/${encoding}`, { paths: searchFrom })
        const ranks = require(file)
        tables.set(encoding, JSON.stringify(ranks.default || ranks))
        process.stderr.write(`[flowise-preload] tiktoken ${encoding} served from ${file}\n`)
    }
    return tables.get(encoding)
}

function urlOf(input) {
    if (typeof input === 'string') return input
    if (input instanceof URL) return input.href
    return input && typeof input.url === 'string' ? input.url : ''
}

const realFetch = globalThis.fetch

if (typeof realFetch === 'function') {
    globalThis.fetch = function fetchWithLocalTiktoken(input, init) {
        const match = TIKTOKEN_URL.exec(urlOf(input))
        if (!match) return realFetch.call(this, input, init)
        try {
            const body = tableFor(match[1])
            return Promise.resolve(new Response(body, { status: 200, headers: { 'Content-Type': 'application/json' } }))
        } catch (error) {
            // An encoding js-tiktoken does not ship: a 404 fails fast (no retries) instead of hanging.
            process.stderr.write(`[flowise-preload] no local tiktoken table for ${match[1]}: ${error.message}\n`)
            return Promise.resolve(new Response('{"error":"not available offline"}', { status: 404 }))
        }
    }
}
