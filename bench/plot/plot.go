package main

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// A dot per configuration and connection count, on log scales: the
// configurations differ by two orders of magnitude, which bars from zero
// would flatten.
var (
	seriesColors = []color.Color{
		color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
		color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
		color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
		color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff},
	}
	seriesShapes = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.PyramidGlyph{}, draw.BoxGlyph{}, draw.CrossGlyph{}}
)

// writePlot draws requests/s and p99 of every configuration measured, one
// series per connection count, to an SVG or PNG file.
func writePlot(r benchRun, file string) error {
	plot.DefaultFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
	plotter.DefaultFont = plot.DefaultFont
	var keys []config
	for _, c := range r.Configs {
		if r.has(c.Key) {
			keys = append(keys, c)
		}
	}
	conns := r.connections()
	rps, err := panel(r, keys, conns, "requests/s (more is better)", func(s summary) float64 { return s.RPS }, true)
	if err != nil {
		return err
	}
	p99, err := panel(r, keys, conns, "p99 latency, ms (less is better)", func(s summary) float64 { return s.P99MS }, false)
	if err != nil {
		return err
	}
	w, h := 11*vg.Inch, vg.Length(len(keys))*0.32*vg.Inch+1.6*vg.Inch
	var c interface {
		vg.CanvasSizer
		io.WriterTo
	}
	switch filepath.Ext(file) {
	case ".svg":
		c = vgsvg.New(w, h)
	case ".png":
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(120), vgimg.UseBackgroundColor(color.White))}
	default:
		return fmt.Errorf("%s: want .svg or .png", file)
	}
	dc := draw.New(c)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: 0.3 * vg.Inch, PadTop: 0.1 * vg.Inch, PadBottom: 0.1 * vg.Inch, PadLeft: 0.1 * vg.Inch, PadRight: 0.2 * vg.Inch}
	plots := [][]*plot.Plot{{rps, p99}}
	canvases := plot.Align(plots, tiles, dc)
	rps.Draw(canvases[0][0])
	p99.Draw(canvases[0][1])
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := c.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// panel is one of the two plots: value of each configuration (top to
// bottom, in run.sh's order) per connection count.
func panel(r benchRun, keys []config, conns []int, title string, value func(summary) float64, labels bool) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = logTicks{}
	// Room above the first configuration for the legend.
	p.Y.Min, p.Y.Max = -0.7, float64(len(keys))+0.4
	var ticks []plot.Tick
	for i, c := range keys {
		t := plot.Tick{Value: float64(len(keys) - 1 - i)}
		if labels {
			t.Label = c.Label
		}
		ticks = append(ticks, t)
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	grid := plotter.NewGrid()
	grid.Horizontal.Color = color.Gray{Y: 0xe0}
	grid.Vertical.Color = color.Gray{Y: 0xe8}
	p.Add(grid)
	lo, hi := math.Inf(1), math.Inf(-1)
	for si, n := range conns {
		var xys plotter.XYs
		for i, c := range keys {
			s, ok := r.summarise(c.Key, n)
			if !ok || !(value(s) > 0) {
				continue
			}
			v := value(s)
			lo, hi = math.Min(lo, v), math.Max(hi, v)
			offset := (float64(si) - float64(len(conns)-1)/2) * 0.22
			xys = append(xys, plotter.XY{X: v, Y: float64(len(keys)-1-i) + offset})
		}
		if len(xys) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(xys)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle.Color = seriesColors[si%len(seriesColors)]
		sc.GlyphStyle.Shape = seriesShapes[si%len(seriesShapes)]
		sc.GlyphStyle.Radius = vg.Points(3.5)
		p.Add(sc)
		if labels {
			p.Legend.Add(fmt.Sprintf("%d connections", n), sc)
		}
	}
	if math.IsInf(lo, 0) {
		return nil, fmt.Errorf("%s: no values above zero", title)
	}
	p.X.Min, p.X.Max = lo/1.6, hi*1.6
	p.Legend.Top = true
	p.Legend.Left = true
	return p, nil
}

// logTicks labels 1, 2 and 5 of each decade, with minor ticks between.
type logTicks struct{}

func (logTicks) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	for e := math.Floor(math.Log10(min)); e <= math.Ceil(math.Log10(max)); e++ {
		base := math.Pow(10, e)
		for m := 1; m < 10; m++ {
			v := float64(m) * base
			if v < min || v > max {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || m == 2 || m == 5 {
				t.Label = strconv.FormatFloat(v, 'f', -1, 64)
				if v >= 10000 {
					t.Label = strconv.FormatFloat(v/1000, 'f', -1, 64) + "k"
				}
			}
			ts = append(ts, t)
		}
	}
	return ts
}
