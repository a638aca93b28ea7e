package donations

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"time"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

// PrintYear prints every receipt of a year, those cancelled included, on as
// many goroutines as the machine has cores, and hands each PDF to put, one at
// a time, in no particular order. The receipts and their gifts are read in one
// pass; it returns how many it printed.
func PrintYear(ctx context.Context, d *db.DB, year int, put func(rc *Receipt, body []byte) error) (int, error) {
	rp, err := NewReceiptPrinter(ctx, d)
	if err != nil {
		return 0, err
	}
	type job struct {
		rc    *Receipt
		siren string
		gifts []*Gift
	}
	type done struct {
		rc   *Receipt
		body []byte
		err  error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs, results := make(chan job, 64), make(chan done, 64)
	var workers sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		workers.Go(func() {
			for j := range jobs {
				body, err := rp.Print(j.rc, j.siren, j.gifts)
				select {
				case results <- done{j.rc, body, err}:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	// The reader: one query, the receipts in id order with their gifts.
	readErr := make(chan error, 1)
	go func() {
		defer close(jobs)
		var cur *job
		send := func() bool {
			if cur == nil {
				return true
			}
			select {
			case jobs <- *cur:
				return true
			case <-ctx.Done():
				return false
			}
		}
		readErr <- db.Each(d.QueryContext(ctx, `SELECT r.id, r.number, r.donor_id, r.form, r.amount_cents, r.period_from, r.period_to,
			r.donor_name, r.donor_address, r.issued_on, r.state, r.cancel_reason, o.siren,
			g.kind, g.method, g.amount_cents, g.description
			FROM receipts r JOIN donors o ON o.id = r.donor_id JOIN receipt_gifts x ON x.receipt_id = r.id JOIN gifts g ON g.id = x.gift_id
			WHERE r.year = $1 ORDER BY r.id, g.received_on, g.id`, year))(func(row db.Scanner) error {
			rc := &Receipt{Year: year}
			g := &Gift{}
			var from, to, issued, siren string
			if err := row.Scan(&rc.ID, &rc.Number, &rc.DonorID, &rc.Form, &rc.AmountCents, &from, &to, &rc.DonorName, &rc.DonorAddress,
				&issued, &rc.State, &rc.CancelReason, &siren, &g.Kind, &g.Method, &g.AmountCents, &g.Description); err != nil {
				return err
			}
			if cur == nil || cur.rc.ID != rc.ID {
				if !send() {
					return ctx.Err()
				}
				rc.From, _ = time.Parse(time.DateOnly, from)
				rc.To, _ = time.Parse(time.DateOnly, to)
				rc.IssuedOn, _ = time.Parse(time.DateOnly, issued)
				cur = &job{rc: rc, siren: siren}
			}
			cur.gifts = append(cur.gifts, g)
			return nil
		})
		if ctx.Err() == nil {
			send()
		}
	}()
	go func() {
		workers.Wait()
		close(results)
	}()
	n := 0
	var firstErr error
	for res := range results {
		if firstErr != nil {
			continue
		}
		if err := res.err; err == nil {
			err = put(res.rc, res.body)
			if err == nil {
				n++
				continue
			}
			firstErr = err
		} else {
			firstErr = fmt.Errorf("receipt %s: %w", res.rc.Ref(), err)
		}
		cancel()
	}
	if err := <-readErr; firstErr == nil && err != nil && !errors.Is(err, context.Canceled) {
		firstErr = err
	}
	return n, firstErr
}

// WriteArchive writes a ZIP of every receipt of the year as PDF files named
// by their numbers, the copy the association keeps for six years.
func WriteArchive(ctx context.Context, d *db.DB, year int, w *zip.Writer) (int, error) {
	n, err := PrintYear(ctx, d, year, func(rc *Receipt, body []byte) error {
		name := "recu-fiscal-" + rc.Ref() + ".pdf"
		if rc.State == "cancelled" {
			name = "recu-fiscal-" + rc.Ref() + "-annule.pdf"
		}
		// PDFs barely compress: stored as they are, the archive is written
		// as fast as the receipts are printed.
		f, err := w.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: rc.IssuedOn})
		if err != nil {
			return err
		}
		_, err = f.Write(body)
		return err
	})
	if err != nil {
		return n, err
	}
	return n, w.Close()
}

// Archive downloads the year's receipts as a ZIP of PDFs: GET
// /donations/receipts.zip?year=2026.
func (h *Handlers) Archive(w http.ResponseWriter, r *http.Request) {
	year, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil || year < 2000 || year > h.now().Year() {
		h.Render.Fail(w, r, web.ErrBadRequest)
		return
	}
	web.Attach(w, "application/zip", fmt.Sprintf("recus-fiscaux-%d.zip", year))
	if _, err := WriteArchive(r.Context(), h.DB, year, zip.NewWriter(w)); err != nil {
		// The headers are gone: the download stops short, and the log says why.
		h.Log.ErrorContext(r.Context(), "receipts archive", "year", year, "err", err)
	}
}
