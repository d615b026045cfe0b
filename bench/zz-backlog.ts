import { backlogBench } from './backlog.js';
await backlogBench();
