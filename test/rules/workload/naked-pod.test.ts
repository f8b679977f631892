import { ruleTester } from '../../helpers/rule-tester.js';
import cases from './naked-pod.cases.js';

ruleTester(cases.rule, cases);
