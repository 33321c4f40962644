'use client';

/**
 * Visually hidden data table behind every chart, so screen-reader users get the numbers
 * (the graphic itself is one role="img" with a summary). A client component, server-rendered like
 * any other, so the page payload carries the numbers as data rather than a th/td element per cell
 * (the overview's burn-down alone is 30 rows): bench/README.md, issue 21.
 */
export function ChartDataTable({
  caption,
  columns,
  rows,
}: {
  caption: string;
  columns: string[];
  rows: (string | number)[][];
}) {
  // The wrapper is what is visually hidden: a table never shrinks below its content, so an
  // sr-only table itself still widens the page (the campaign page scrolled sideways at 390 px).
  return (
    <div className="sr-only">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {r.map((cell, j) =>
                j === 0 ? (
                  <th key={j} scope="row">
                    {cell}
                  </th>
                ) : (
                  <td key={j}>{cell}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
