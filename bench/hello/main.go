// Command hello is the yardstick for load tests: a bare net/http "hello world" on
// the same machine, measured in the same run as Tremplin's pages (bench/load.sh).
package main

import (
	"flag"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18081", "listen address")
	flag.Parse()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("hello world\n"))
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
