import {Component, onMounted, onWillStart, onWillUnmount, useRef} from "@odoo/owl";
import {loadBundle} from "@web/core/assets";
import {registry} from "@web/core/registry";
import {user} from "@web/core/user";
import {useService} from "@web/core/utils/hooks";

const COLORS = ["#714B67", "#017E84", "#E07A5F", "#3D405B", "#81B29A"];

/** The finance manager's dashboard: KPI cards (this month vs last month), trends, aged balance. */
export class CollectionDashboard extends Component {
    static template = "credit_collection_kpi.CollectionDashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.trendCanvas = useRef("trend");
        this.agedCanvas = useRef("aged");
        this.charts = [];
        onWillStart(async () => {
            [this.data] = await Promise.all([
                this.orm.call("credit.collection.kpi.snapshot", "get_dashboard_data", []),
                loadBundle("web.chartjs_lib"),
            ]);
        });
        onMounted(() => this.renderCharts());
        onWillUnmount(() => this.charts.forEach((chart) => chart.destroy()));
    }

    renderCharts() {
        const {trend, aged} = this.data;
        // Axis figures in the user's language (12 345,6 in French), like the cards.
        const locale = (user.lang || "en_US").replace("_", "-");
        if (this.trendCanvas.el && trend.labels.length) {
            this.charts.push(
                new Chart(this.trendCanvas.el, {
                    type: "line",
                    data: {
                        labels: trend.labels,
                        datasets: trend.series.map((serie, index) => ({
                            label: serie.label,
                            data: serie.values,
                            borderColor: COLORS[index],
                            backgroundColor: COLORS[index],
                            tension: 0.2,
                        })),
                    },
                    options: {locale, maintainAspectRatio: false, animation: false},
                })
            );
        }
        if (this.agedCanvas.el) {
            this.charts.push(
                new Chart(this.agedCanvas.el, {
                    type: "bar",
                    data: {
                        labels: aged.labels,
                        datasets: [
                            {
                                data: aged.values,
                                backgroundColor: ["#81B29A", "#F2CC8F", "#E07A5F", "#C44536", "#772E25"],
                            },
                        ],
                    },
                    options: {
                        locale,
                        maintainAspectRatio: false,
                        animation: false,
                        plugins: {legend: {display: false}},
                    },
                })
            );
        }
    }

    openCard(card) {
        this.actionService.doAction(card.action);
    }

    async takeSnapshot() {
        await this.actionService.doAction("credit_collection_kpi.action_collection_kpi_take_month");
    }
}

registry.category("actions").add("credit_collection_kpi.dashboard", CollectionDashboard);
