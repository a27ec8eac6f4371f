import { notYet } from '../not-yet.ts';
export const sceneSettingsMenu = notYet('Set Scene Settings...');
