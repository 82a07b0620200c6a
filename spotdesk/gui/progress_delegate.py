"""Paints the progress column as a native progress bar with its percentage."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from spotdesk.gui.task_model import PROGRESS_ROLE, TASK_ROLE
from spotdesk.model import TaskState


class ProgressDelegate(QStyledItemDelegate):
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        # The selection background first, so a selected row stays highlighted under the bar.
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawPrimitive(
            QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
        )

        fraction = index.data(PROGRESS_ROLE)
        task = index.data(TASK_ROLE)
        if fraction is None or task is None:
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum = 0
        bar.maximum = 1000
        bar.progress = int(round(fraction * 1000))
        bar.text = f"{int(fraction * 100)} %"
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        if task.state in (TaskState.PAUSED, TaskState.CANCELLED, TaskState.FAILED):
            bar.state &= ~QStyle.StateFlag.State_Enabled
        bar.palette = option.palette
        bar.fontMetrics = option.fontMetrics
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)
