import './zod-setup.js';
import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import './styles/app.css';
import { App } from './app.js';
import { pickApi } from './api/pick-api.js';

const { api, bridge } = pickApi();
const root = document.getElementById('app');
if (root) render(<App api={api} bridge={bridge} />, root);
