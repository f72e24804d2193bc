// Loaded into Flowise with NODE_OPTIONS=--require, for offline test servers only.
//
// @langchain/core counts tokens with js-tiktoken and fetches the encoding tables from
// https://tiktoken.pages.dev/js/<encoding>.json, retrying with backoff for about a minute per try
// when there is no internet. That made every prediction take minutes. The same tables ship inside
// the js-tiktoken package Flowise already installs, so that one URL is answered from it; every other
// request goes through untouched.
'use strict'

const TIKTOKEN_URL = /^https:\/\/tiktoken\.pages\.dev\/js\/([a-z0-9_]+)\.json$/
const flowiseDir = process.env.FLOWISE_INSTALL_DIR || process.cwd()
const originalFetch = globalThis.fetch

globalThis.fetch = async function fetchWithLocalTiktoken(input, init) {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input && input.url
    const match = typeof url === 'string' && TIKTOKEN_URL.exec(url)
    if (match) {
        const path = require.resolve(`js-tiktoken/ranks/${match[1]}`, { paths: [flowiseDir] })
        const ranks = require(path)
        return new Response(JSON.stringify(ranks.default || ranks), {
            status: 200,
            headers: { 'Content-Type': 'application/json' }
        })
    }
    return originalFetch(input, init)
}
