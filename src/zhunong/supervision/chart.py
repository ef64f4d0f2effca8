"""The notice's chart, drawn on the server with a CJK font that comes with the install (mplfonts
ships Noto Sans CJK SC), so Chinese labels never show as empty boxes on a fresh machine."""

import io
import os

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402


def cjk_font() -> font_manager.FontProperties:
    import mplfonts

    path = os.path.join(os.path.dirname(mplfonts.__file__), "fonts", "NotoSansCJKsc-Regular.otf")
    return font_manager.FontProperties(fname=path)


def completion_chart(
    names: list[str], ratios: list[float], expected: float | None = None, rows: str = "各区县"
) -> bytes:
    """Completion ratio (%) per sub-region as a bar chart, with time progress as a line; `rows`
    names the bars in the title (各区县, 各市)."""
    font = cjk_font()
    fig, ax = plt.subplots(figsize=(8, 3.6), dpi=150)
    if not names:
        # a region without sub-regions (a district of units only) has no bars to draw
        ax.axis("off")
        ax.text(0.5, 0.5, "暂无下级地区数据", fontproperties=font, ha="center", va="center")
        return _png(fig)
    ax.bar(range(len(names)), ratios, color="#198754")
    if expected is not None:
        ax.axhline(expected, color="#fd7e14", linestyle="--", linewidth=1.2)
        ax.text(
            len(names) - 0.5,
            expected,
            f"序时进度 {expected:.2f}%",
            fontproperties=font,
            color="#fd7e14",
            ha="right",
            va="bottom",
            fontsize=8,
        )
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, fontproperties=font, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("预留份额完成比例（%）", fontproperties=font, fontsize=9)
    ax.set_title(f"{rows}预留份额完成比例", fontproperties=font, fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return _png(fig)


def _png(fig) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()
