// Command smsprovider is a stand-in SMS provider for load tests (bench/dispatch.sh):
// it takes every message posted to /send at once, answers an id, and counts them,
// so that the dispatch is bounded by Tremplin alone (or by -rate, a provider's
// limit, answered with 429).
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"sync/atomic"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18082", "listen address")
	rate := flag.Int("rate", 0, "messages per second taken; more get 429 (0: no limit)")
	flag.Parse()
	var n, second, inSecond atomic.Int64
	http.HandleFunc("POST /send", func(w http.ResponseWriter, r *http.Request) {
		if *rate > 0 {
			now := time.Now().Unix()
			if second.Swap(now) != now {
				inSecond.Store(0)
			}
			if inSecond.Add(1) > int64(*rate) {
				w.Header().Set("Retry-After", "1")
				http.Error(w, "rate limited", http.StatusTooManyRequests)
				return
			}
		}
		id := n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"m%d"}`, id)
	})
	http.HandleFunc("GET /count", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, n.Load()) })
	log.Fatal(http.ListenAndServe(*addr, nil))
}
