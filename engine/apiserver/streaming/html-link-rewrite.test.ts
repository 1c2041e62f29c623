import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rewriteHtmlLinks } from './html-link-rewrite';
import { rewriteUrl } from './http-proxy';

const P = '/api/v1/namespaces/x/services/web/proxy';
const rw = (u: string) => rewriteUrl(u, P, '10.1.0.5:8080', 'localhost:8001');

test('absolute paths on the backend go through the proxy; other hosts and relative links stay', () => {
  assert.equal(rw('/a/b?q=1#f'), `${P}/a/b?q=1#f`);
  assert.equal(rw('http://10.1.0.5:8080/a'), `${P}/a`, "the backend's own address becomes a path");
  assert.equal(rw('http://localhost:8001/a/'), `http://localhost:8001${P}/a/`, "the caller's host is kept");
  assert.equal(rw('http://example.com/a'), 'http://example.com/a');
  assert.equal(rw('rel/a'), 'rel/a');
  assert.equal(rw('mailto:a@b.c'), 'mailto:a@b.c');
  assert.equal(rw(`${P}/already`), `${P}/already`, 'not prefixed twice');
});

test('only the listed attributes of the listed tags are rewritten, the rest kept byte for byte', () => {
  const html = [
    '<!DOCTYPE html><html><head><link rel=stylesheet href=/s.css></head>',
    '<body data-x="/keep"><a class="c" href="/next">n</a><A HREF=\'/up\'>u</A>',
    '<img src="/i.png" alt="/alt"><form action="/post" method=post></form>',
    '<!-- <a href="/comment"> --><script>var u = "<a href=\\"/in-script\\">";</script>',
    '<a href="/q?a=1&amp;b=2">q</a></body></html>',
  ].join('');
  const out = rewriteHtmlLinks(html, rw);
  assert.match(out, new RegExp(`<link rel=stylesheet href="${P}/s.css">`));
  assert.match(out, /data-x="\/keep"/);
  assert.match(out, new RegExp(`<a class="c" href="${P}/next">`));
  assert.match(out, new RegExp(`<A HREF="${P}/up">`));
  assert.match(out, new RegExp(`src="${P}/i.png" alt="/alt"`));
  assert.match(out, new RegExp(`action="${P}/post" method=post`));
  assert.match(out, /<!-- <a href="\/comment"> -->/, 'comments untouched');
  assert.match(out, /"<a href=\\"\/in-script\\">"/, 'script text untouched');
  assert.match(out, new RegExp(`href="${P}/q\\?a=1&amp;b=2"`), 'entities decoded then encoded again');
});
