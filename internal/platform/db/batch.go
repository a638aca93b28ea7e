package db

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Batch inserts rows into one table by thousands in one statement each, for the
// bulk writes of derived tables and of the dataset generator:
//
//	b := db.NewBatch(ctx, tx, "impact_referrals", "person_id", "learner_id", …)
//	for … { if err := b.Add(person, learner, …); err != nil { … } }
//	return b.Flush()
//
// Values are written into the statement as literals: with tens of thousands of
// bound parameters per statement, binding them costs more than the insert. A value
// is nil (NULL), an int, an int64, a bool or a string (quoted, its quotes doubled);
// any other type panics. A time goes as the string FormatTime makes of it, as it
// is stored. Doubling the quotes is all a string literal needs on SQLite and on
// PostgreSQL (standard_conforming_strings, its default).
type Batch struct {
	tx   *sql.Tx
	ctx  context.Context
	head string
	per  int
	buf  strings.Builder
	rows int
	hold bool // keep rows until Flush: they refer to rows of a batch flushed before
	held []string
	emit func(BatchJob) // when set, statements go there instead of being run

	// With copyRows, rows are kept as values and emitted for COPY (PostgreSQL),
	// much faster there than INSERT statements.
	copyRows bool
	table    string
	cols     []string
	pending  [][]any
}

// BatchJob is what a Batch given to Emit hands over instead of running it: a
// statement (SQL), or, when rows are copied, the rows of Table's Cols to COPY.
type BatchJob struct {
	SQL   string
	Table string
	Cols  []string
	Rows  [][]any
}

// rowsPerStatement is how many rows go in one INSERT unless PerStatement says.
const rowsPerStatement = 2000

// NewBatch starts a batch of rows for the cols of table, written in tx. The rows
// go in as each statement fills; Flush writes the rest.
func NewBatch(ctx context.Context, tx *sql.Tx, table string, cols ...string) *Batch {
	return &Batch{tx: tx, ctx: ctx, head: "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ", per: rowsPerStatement,
		table: table, cols: cols}
}

// PerStatement sets how many rows go in one statement (2,000 by default): fewer
// for wide rows.
func (b *Batch) PerStatement(n int) { b.per = n }

// Hold keeps every statement until Flush instead of running each as it fills:
// for rows that refer to rows of another batch, which must be flushed first.
func (b *Batch) Hold() { b.hold = true }

// Emit hands the statements to fn instead of running them, so that another
// goroutine can write while rows are being made; the batch's tx may then be nil.
// With copyRows the rows themselves are handed over, ten statements' worth at a
// time (all at Flush when held), for the caller to COPY.
func (b *Batch) Emit(fn func(BatchJob), copyRows bool) {
	b.emit, b.copyRows = fn, copyRows
}

// Row writes vals as a row of literals, "(1, 'a', NULL)", the way a Batch does,
// for many-row statements a Batch cannot end (ON CONFLICT … RETURNING).
func Row(b *strings.Builder, vals ...any) {
	b.WriteByte('(')
	for i, v := range vals {
		if i > 0 {
			b.WriteString(", ")
		}
		literal(b, v)
	}
	b.WriteByte(')')
}

func literal(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("NULL")
	case int:
		b.WriteString(strconv.Itoa(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case bool:
		if x {
			b.WriteString("TRUE")
		} else {
			b.WriteString("FALSE")
		}
	case string:
		b.WriteByte('\'')
		b.WriteString(strings.ReplaceAll(x, "'", "''"))
		b.WriteByte('\'')
	default:
		panic(fmt.Sprintf("db.Batch: no literal for %T", v))
	}
}

// Add appends a row of values, one per column, and writes the statement when it
// is full (unless held).
func (b *Batch) Add(vals ...any) error {
	if b.copyRows {
		b.pending = append(b.pending, slices.Clone(vals))
		if len(b.pending) == 10*b.per && !b.hold {
			return b.Flush()
		}
		return nil
	}
	if b.rows == 0 {
		b.buf.WriteString(b.head)
	} else {
		b.buf.WriteString(", ")
	}
	b.buf.WriteByte('(')
	for i, v := range vals {
		if i > 0 {
			b.buf.WriteString(", ")
		}
		literal(&b.buf, v)
	}
	b.buf.WriteByte(')')
	b.rows++
	if b.rows == b.per {
		if b.hold {
			b.held = append(b.held, b.buf.String())
			b.buf.Reset()
			b.rows = 0
			return nil
		}
		return b.Flush()
	}
	return nil
}

// Flush writes (or emits) every row not written yet.
func (b *Batch) Flush() error {
	if b.copyRows {
		if len(b.pending) > 0 {
			b.emit(BatchJob{Table: b.table, Cols: b.cols, Rows: b.pending})
			b.pending = nil
		}
		return nil
	}
	if b.rows > 0 {
		b.held = append(b.held, b.buf.String())
		b.buf.Reset()
		b.rows = 0
	}
	for _, q := range b.held {
		if b.emit != nil {
			b.emit(BatchJob{SQL: q})
			continue
		}
		if _, err := b.tx.ExecContext(b.ctx, q); err != nil {
			return err
		}
	}
	b.held = b.held[:0]
	return nil
}
