// Command enqueue queues n SMS due now in a Tremplin database, for the dispatch
// load test (bench/dispatch.sh): urgent (not held by quiet hours), to the first
// antenna, whose daily cap it lifts.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"strconv"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/queue"
)

func main() {
	url := flag.String("database", "", "database URL (sqlite:PATH or postgres://…)")
	n := flag.Int("n", 100000, "messages to queue")
	flag.Parse()
	ctx := context.Background()
	d, err := db.Open(ctx, *url, "")
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()
	var antenna int64
	if err := d.QueryRowContext(ctx, "SELECT MIN(id) FROM antennas").Scan(&antenna); err != nil {
		log.Fatal(err)
	}
	if _, err := d.Exec(ctx, "UPDATE antennas SET sms_daily_cap = 0 WHERE id = $1", antenna); err != nil {
		log.Fatal(err)
	}
	q, err := queue.New(d, queue.Config{})
	if err != nil {
		log.Fatal(err)
	}
	o := &messages.Outbox{Queue: q}
	start, run := time.Now(), strconv.FormatInt(time.Now().UnixNano(), 36)
	for done := 0; done < *n; done += 1000 {
		ms := make([]messages.Message, min(1000, *n-done))
		for i := range ms {
			ms[i] = messages.Message{Antenna: antenna, Channel: messages.SMS, Kind: "load_test", Lang: "fr", To: "+33612345678",
				Body:   "Tremplin : rappel, atelier « Premiers pas » demain à 09:30, La Grappe, 45 rue du Faubourg de Roubaix.",
				Urgent: true, Dedupe: "load:" + run + ":" + strconv.Itoa(done+i)}
		}
		if err := d.Tx(ctx, func(tx *sql.Tx) error { _, err := o.Add(ctx, tx, ms...); return err }); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("%d messages queued in %s\n", *n, time.Since(start).Round(time.Millisecond))
}
