package exports

import "tremplin/internal/platform/sheet"

// The lists are written by the platform's sheet writer (CSV for French Excel,
// streamed XLSX, every text cell guarded against formulas), shared with the
// other packages' exports.
type (
	Table = sheet.Table
	Date  = sheet.Date
	Hours = sheet.Hours
)
