//! The report's chart (`report.svg`): each capture figure beside the machine's own HTTP limit.

use std::path::Path;

use plotters::prelude::*;

use super::Report;

impl Report {
    pub(super) fn chart(&self, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
        let j = &self.json;
        let root = SVGBackend::new(path, (1200, 460)).into_drawing_area();
        root.fill(&WHITE)?;
        let (left, right) = root.split_horizontally(560);

        let grey = RGBColor(148, 163, 184);
        let orange = RGBColor(234, 88, 12);
        let blue = RGBColor(37, 99, 235);
        let capture: Vec<(&str, f64, RGBColor)> = [
            ("bare axum", "baseline", grey),
            ("Mockoon", "mockoon", orange),
            ("hookscope", "hookscope_durable", blue),
            ("+ verify, dedupe", "hookscope_signed", blue),
        ]
        .iter()
        .filter_map(|(name, key, colour)| {
            Some((*name, j["capture"][key]["per_second"].as_f64()?, *colour))
        })
        .collect();
        bars(
            &left,
            "Capture, requests/s (1 KiB, 64 connections)",
            &capture,
            false,
        )?;

        let queries: Vec<(&str, f64, RGBColor)> = j["store"]["queries"]
            .as_array()
            .into_iter()
            .flatten()
            .zip([
                "newest",
                "deep",
                "filter",
                "filter old",
                "rare word",
                "common",
                "by id",
                "counts",
                "by vendor",
            ])
            .filter_map(|(q, name)| Some((name, q["p99_ms"].as_f64()?, blue)))
            .collect();
        let title = format!(
            "Store queries at {} deliveries, p99 ms (log)",
            j["store"]["deliveries"]
        );
        bars(&right, &title, &queries, true)?;
        root.present()?;
        Ok(())
    }
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// A bar chart of named values, on a log scale when `log`.
fn bars(
    area: &Area<'_>,
    title: &str,
    data: &[(&str, f64, RGBColor)],
    log: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let n = data.len().max(1);
    let max = data.iter().map(|d| d.1).fold(0.0, f64::max).max(1e-3);
    let names: Vec<String> = data.iter().map(|d| d.0.to_owned()).collect();
    let label = |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 {
            names.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    let value_text = |v: f64| {
        if v >= 100.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.2}")
        }
    };
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(64);
    let x = -0.5..(n as f64 - 0.5);
    if log {
        let lo = 0.1f64;
        let mut chart = builder.build_cartesian_2d(x, (lo..max * 3.0).log_scale())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&label)
            .y_label_formatter(&|v| format!("{v}"))
            .draw()?;
        chart.draw_series(data.iter().enumerate().map(|(i, (_, v, c))| {
            let i = i as f64;
            Rectangle::new([(i - 0.35, lo), (i + 0.35, v.max(lo))], c.filled())
        }))?;
        chart.draw_series(data.iter().enumerate().map(|(i, (_, v, _))| {
            Text::new(
                value_text(*v),
                (i as f64 - 0.3, v.max(lo) * 1.25),
                ("sans-serif", 13),
            )
        }))?;
    } else {
        let mut chart = builder.build_cartesian_2d(x, 0.0..max * 1.15)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&label)
            .y_label_formatter(&|v| format!("{v:.0}"))
            .draw()?;
        chart.draw_series(data.iter().enumerate().map(|(i, (_, v, c))| {
            let i = i as f64;
            Rectangle::new([(i - 0.35, 0.0), (i + 0.35, *v)], c.filled())
        }))?;
        chart.draw_series(data.iter().enumerate().map(|(i, (_, v, _))| {
            Text::new(
                value_text(*v),
                (i as f64 - 0.25, v + max * 0.03),
                ("sans-serif", 13),
            )
        }))?;
    }
    Ok(())
}
