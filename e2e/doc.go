// Package e2e drives the real Tremplin in headless Chromium, the way a volunteer
// on a cheap phone would: 360×740 viewport, forms filled and submitted with clicks,
// French, English and Arabic (right to left).
//
// Every page a journey visits is checked three ways:
//
//   - axe-core finds no WCAG 2.1 A/AA violation;
//   - the page and everything it pulls in weigh at most 30 KB on the wire;
//   - nothing is fetched from a host other than Tremplin itself.
//
// The tests need Chromium (/usr/bin/chromium, or the path in TREMPLIN_CHROMIUM)
// and axe-core in e2e/node_modules:
//
//	apt-get install chromium
//	cd e2e && npm ci
//	go test ./e2e/
//
// Without them the tests skip; set TREMPLIN_REQUIRE_BROWSER=1 (as CI does) to make
// a missing browser or axe-core a failure instead.
//
// This file exists only to hold this comment: the package is all tests.
package e2e
