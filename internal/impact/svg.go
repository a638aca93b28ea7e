package impact

import (
	"fmt"
	"html"
	"html/template"
	"strings"

	"tremplin/internal/platform/i18n"
)

// Charts are drawn on the server as SVG: no script, readable at 360 px (the
// viewBox scales to the width of the page), named for screen readers by their
// <title>, and each one repeats a column of the table printed next to it, so
// nothing is told by the drawing alone.

const (
	chartWidth = 360
	rowHeight  = 46
	barColour  = "#1d4ed8" // 6.7:1 against white
	inkColour  = "#1b1b1f"
)

// chart draws one column of a table as horizontal bars, one per row.
func chart(p i18n.Printer, t Table, column int, id string) template.HTML {
	if t.Total && len(t.Rows) > 0 {
		t.Rows = t.Rows[:len(t.Rows)-1]
	}
	if column <= 0 || column >= len(t.Columns) || len(t.Rows) == 0 {
		return ""
	}
	// Right to left, bars grow from the right; the drawing's own direction stays
	// ltr so that text-anchor "end" means the right edge in both.
	rtl := p.Dir() == "rtl"
	max := 0.0
	for _, r := range t.Rows {
		if r[column].Value > max {
			max = r[column].Value
		}
	}
	height := rowHeight*len(t.Rows) + 4
	title := p.T("impact.chart.title", "table", t.Title, "column", t.Columns[column])
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="imp-chart" role="img" aria-labelledby="%s-t" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg" direction="ltr" font-size="14" font-family="system-ui, sans-serif">`,
		id, chartWidth, height)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title>`, id, html.EscapeString(title))
	room := float64(chartWidth - 80) // space for the number after the longest bar
	for i, r := range t.Rows {
		y := i * rowHeight
		w := 0.0
		if max > 0 {
			w = r[column].Value / max * room
		}
		if w > 0 && w < 2 {
			w = 2
		}
		labelX, anchor, barX, valueX := 0.0, "start", 0.0, w+6
		if rtl {
			labelX, anchor, barX, valueX = chartWidth, "end", chartWidth-w, chartWidth-w-6
		}
		fmt.Fprintf(&b, `<text x="%.0f" y="%d" text-anchor="%s" fill="%s">%s</text>`, labelX, y+16, anchor, inkColour, html.EscapeString(r[0].Text))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="18" fill="%s"/>`, barX, y+22, w, barColour)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="%s" fill="%s" font-weight="600">%s</text>`, valueX, y+36, anchor, inkColour,
			html.EscapeString(Format(p, r[column])))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
