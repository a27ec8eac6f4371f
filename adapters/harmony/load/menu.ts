import { notYet } from '../not-yet.ts';
export const loadMenu = notYet('Load...');
export const manageMenu = notYet('Manage...');
