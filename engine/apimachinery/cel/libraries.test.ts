import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileCel, fromJson, toJson, CelEvalError, CelCompileError } from './cel';

const run = (src: string) => toJson(compileCel(src, { variables: ['self'] }).eval({ self: null }));
const yes = (src: string) => assert.equal(run(src), true, src);
const fails = (src: string, re: RegExp) =>
  assert.throws(
    () => run(src),
    (e: Error) => e instanceof CelEvalError && re.test(e.message),
    src,
  );

test('cel quantity library: parse, exact arithmetic, comparisons, integer conversion', () => {
  yes('quantity("50k").add(quantity("20k")) == quantity("70k") && quantity("50k").add(20) == quantity("50020")');
  yes('quantity("50k").sub(20000).asApproximateFloat() == 30000.0 && quantity("200M").compareTo(quantity("0.2G")) == 0');
  yes('quantity("50M").compareTo(quantity("50Mi")) == -1 && quantity("150Mi").isGreaterThan(quantity("100Mi"))');
  yes('quantity("1000m").asInteger() == 1 && !quantity("1.5").isInteger() && quantity("-1.5Gi").sign() == -1');
  yes('quantity("0.1").add(quantity("0.2")) == quantity("300m")'); // exact, not 0.30000000000000004
  yes('isQuantity("1.3Gi") && !isQuantity("200K") && !isQuantity("1,3G") && !isQuantity("Mi")');
  yes('!quantity("9999999999999999999999999999999999999G").isInteger()');
  fails('quantity("9999999999999999999999999999999999999G").asInteger()', /cannot convert value to integer/);
  fails('quantity("Three")', /quantities must match the regular expression/);
});

test('cel ip and cidr libraries: netip parsing, canonical form, address classes, containment', () => {
  yes('ip("127.0.0.1").family() == 4 && ip("::1").family() == 6 && isIP("::1") && !isIP("127.0.0.256")');
  yes('ip.isCanonical("2001:db8::abcd") && !ip.isCanonical("2001:DB8::ABCD") && !ip.isCanonical("2001:db8::0:0:0:abcd")');
  yes('string(ip("2001:0db8:0:0:1:0:0:1")) == "2001:db8::1:0:0:1" && ip("::1") == ip("0:0:0:0:0:0:0:1")');
  yes('ip("0.0.0.0").isUnspecified() && ip("::1").isLoopback() && ip("ff02::1").isLinkLocalMulticast()');
  yes('ip("169.254.169.254").isLinkLocalUnicast() && ip("fe80::1").isLinkLocalUnicast() && !ip("255.255.255.255").isGlobalUnicast()');
  yes('!isIP("fe80::1%eth0") && !isIP("01.2.3.4") && !isIP(":::1")');
  fails('ip("::ffff:1.2.3.4")', /IPv4-mapped IPv6 address "::ffff:1.2.3.4" is not allowed/);
  fails('ip("127.0.0.256")', /IP Address "127.0.0.256" parse error during conversion from string: .*IPv4 field has value >255/);
  yes('cidr("192.168.0.0/24").containsIP("192.168.0.1") && !cidr("192.168.0.0/24").containsIP(ip("192.168.1.1"))');
  yes('cidr("192.168.0.0/16").containsCIDR("192.168.10.0/24") && !cidr("192.168.1.0/24").containsCIDR(cidr("192.168.2.0/24"))');
  yes('cidr("192.168.0.1/24").masked() == cidr("192.168.0.0/24") && cidr("192.168.0.1/24") != cidr("192.168.0.1/24").masked()');
  yes(
    'cidr("::1/128").prefixLength() == 128 && cidr("192.168.0.1/24").ip() == ip("192.168.0.1") && string(cidr("fd00::/8")) == "fd00::/8"',
  );
  yes('!isCIDR("192.168.0.0/33") && !isCIDR("::1/129") && !cidr("10.0.0.0/8").containsIP("::1")');
});

test('cel url library: ParseRequestURI acceptance and the component getters', () => {
  yes('isURL("https://user:pass@example.com:80/path?query=val#fragment") && isURL("/absolute-path")');
  yes('!isURL("https://a:b:c/") && !isURL("../relative-path")');
  yes('url("https://example.com:80/").getHost() == "example.com:80" && url("https://[::1]:80/").getHost() == "[::1]:80"');
  yes('url("https://[::1]:80/").getHostname() == "::1" && url("https://example.com:80/").getPort() == "80" && url("/p").getPort() == ""');
  yes('url("/path").getScheme() == "" && url("HTTPS://example.com/").getScheme() == "https"');
  yes(
    'url("https://example.com/path with spaces/").getEscapedPath() == "/path%20with%20spaces/" && url("https://example.com").getEscapedPath() == ""',
  );
  yes(
    'url("https://example.com/path?k1=a&k2=b&k2=c").getQuery() == {"k1": ["a"], "k2": ["b", "c"]} && url("https://example.com/path?").getQuery() == {}',
  );
  fails('url("../relative-path")', /URL parse error during conversion from string: parse "..\/relative-path": invalid URI for request/);
});

test('cel format library: named formats validate with upstream messages', () => {
  yes('!format.dns1123Label().validate("my-label-name").hasValue() && format.dns1123Label().validate("My_Label").hasValue()');
  assert.match(
    String((run('format.dns1123Label().validate("My_Label").value()') as string[])[0]),
    /a lowercase RFC 1123 label must consist of/,
  );
  yes('format.named("dns1123Subdomain").value().validate("apiextensions.k8s.io") == optional.none()');
  yes('!format.named("nope").hasValue() && !format.qualifiedName().validate("apiextensions.k8s.io/v1beta1").hasValue()');
  yes('!format.dns1123LabelPrefix().validate("my-label-prefix-").hasValue() && format.labelValue().validate("a b").hasValue()');
  yes(
    '!format.uuid().validate("123e4567-e89b-12d3-a456-426614174000").hasValue() && format.uuid().validate("x").value() == ["does not match the UUID format"]',
  );
  yes('!format.byte().validate("aGVsbG8=").hasValue() && format.byte().validate("a").value() == ["invalid base64"]');
  yes('!format.date().validate("2021-01-01").hasValue() && format.date().validate("2021-02-30").hasValue()');
  yes('!format.datetime().validate("2021-01-01T00:00:00Z").hasValue() && format.uri().validate("x").hasValue()');
});

test('cel semver library: strict and normalized parsing, precedence', () => {
  yes('semver("1.2.3").major() == 1 && semver("1.2.3").minor() == 2 && semver("1.2.3").patch() == 3');
  yes('semver("1.2.3").compareTo(semver("2.0.0")) == -1 && semver("1.2.3").isGreaterThan(semver("0.1.2"))');
  yes('semver("1.0.0-alpha").isLessThan(semver("1.0.0")) && semver("1.0.0-alpha.1").isLessThan(semver("1.0.0-alpha.beta"))');
  yes('semver("1.0.0+build1") == semver("1.0.0+build2") && semver("v1.0", true) == semver("1.0.0")');
  yes('!isSemver("v1.0") && isSemver("v1.0", true) && semver("01.01.01", true).minor() == 1 && !isSemver("Three")');
  fails('semver("01.0.0")', /Major number must not contain leading zeroes "01"/);
});

test('cel timestamps and durations: parsing, arithmetic, getters with time zones', () => {
  yes('timestamp("2023-01-15T10:30:00Z") + duration("1h30m") == timestamp("2023-01-15T12:00:00Z")');
  yes('timestamp("2023-01-15T12:00:00Z") - timestamp("2023-01-15T10:30:00Z") == duration("90m")');
  yes('timestamp("2023-01-15T12:00:00+02:00") == timestamp("2023-01-15T10:00:00Z") && timestamp(60) == timestamp("1970-01-01T00:01:00Z")');
  yes('timestamp("2023-01-15T10:30:00Z") > timestamp("2023-01-15T10:29:59.999Z") && duration("90m") > duration("1h")');
  yes('string(duration("1.5s")) == "1.5s" && string(duration("-1h")) == "-3600s" && int(duration("1ms")) == 1000000');
  yes('string(timestamp("2023-01-15T10:30:00.120Z")) == "2023-01-15T10:30:00.12Z" && int(timestamp("1970-01-01T00:01:00Z")) == 60');
  const t = 'timestamp("2023-03-01T10:30:45.123456789Z")';
  yes(`${t}.getFullYear() == 2023 && ${t}.getMonth() == 2 && ${t}.getDate() == 1 && ${t}.getDayOfMonth() == 0`);
  yes(`${t}.getDayOfYear() == 59 && ${t}.getDayOfWeek() == 3 && ${t}.getHours() == 10 && ${t}.getMinutes() == 30`);
  yes(`${t}.getSeconds() == 45 && ${t}.getMilliseconds() == 123`);
  yes(`${t}.getHours("America/New_York") == 5 && ${t}.getHours("+05:30") == 16 && ${t}.getMinutes("-01:15") == 15`);
  yes('duration("1h30m").getHours() == 1 && duration("1h30m").getMinutes() == 90 && duration("-90s").getMinutes() == -1');
  fails('duration("1x")', /time: unknown unit "x" in duration "1x"/);
  fails('duration("1")', /time: missing unit in duration "1"/);
  fails('timestamp("2023-02-30T00:00:00Z")', /string to timestamp conversion error/);
  fails(`${t}.getHours("Mars/Olympus")`, /unknown time zone Mars\/Olympus/);
  fails('timestamp("9999-12-31T23:59:59Z") + duration("1s")', /timestamp out of range/);
});

test('cel regex, string, list and set extensions', () => {
  yes('"abc 123".find("[0-9]+") == "123" && "abc 123".find("xyz") == ""');
  yes('"123 abc 456".findAll("[0-9]+") == ["123", "456"] && "123 abc 456".findAll("[0-9]+", 1) == ["123"]');
  yes('"123 abc 456".findAll("xyz") == [] && "ab".findAll("x*") == ["", "", ""]');
  yes('"héllo".reverse() == "olléh" && strings.quote("a\\nb") == "\\"a\\\\nb\\""');
  yes('"TacoCat".lowerAscii() == "tacocat" && "a-b-c".replace("-", "+", 1) == "a+b-c" && "a,b,c".split(",", 2) == ["a", "b,c"]');
  yes('"  x ".trim() == "x" && "hello".substring(1, 3) == "el" && "hello".indexOf("l", 3) == 3 && "hello".lastIndexOf("l") == 3');
  yes('[1, 2, 3].isSorted() && [1, 2, 3].sum() == 6 && [3, 1].min() == 1 && [1.5, 2.5].max() == 2.5 && [1, 2, 1].lastIndexOf(1) == 2');
  yes('sets.contains([1, 2, 3], [2, 3]) && !sets.intersects([1], [2]) && sets.equivalent([1, 1, 2], [2, 1])');
  // A name used as a variable keeps its meaning: a variable `format` is not the library.
  assert.equal(toJson(compileCel('format.x', { variables: ['format'] }).eval({ format: fromJson({ x: 1 }) })), 1);
  assert.throws(() => compileCel('format.nope()', { variables: [] }), CelCompileError);
});
